import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cannon, type CannonResult } from '../lib/cannon.js';
import { type RunningChild, startChild } from '../lib/child.js';
import { esipayEnv, profileArgs, registerMerchant, startServe } from '../lib/esipay.js';
import { childScript } from '../lib/paths.js';
import { temporaryDatabase } from '../lib/postgres.js';
import { notRun, row, type Row } from '../lib/report.js';
import type { BenchOptions } from '../options.js';
import { payPath } from './service.js';

/**
 * Payments through 1, 2 and 4 `esipay serve` on one fresh PostgreSQL database, the same
 * connections in total spread evenly over the instances (as a load balancer would). The
 * baseline of 2 and 4 instances is 1 instance: the ratio is how far adding instances scales on
 * this machine (on 2 cores, instances compete for the same CPUs as PostgreSQL and the load).
 */
export async function benchInstances(opts: BenchOptions, log: (s: string) => void): Promise<Row[]> {
  const pgdb = await temporaryDatabase(opts.postgresUrl);
  if ('error' in pgdb) return [notRun('instances', 'payments/s on PostgreSQL', pgdb.error)];
  const dir = mkdtempSync(join(tmpdir(), 'esipay-bench-instances-'));
  const children: RunningChild[] = [];
  try {
    const receiver = await startChild(childScript('receiver'), { args: [], ready: /listening on (http:\/\/\S+)/ });
    children.push(receiver);
    const home = join(dir, 'home');
    mkdirSync(home);
    const merchant = registerMerchant(pgdb.url, receiver.url + '/paid', esipayEnv(home));

    const results = new Map<number, CannonResult>();
    for (const n of [1, 2, 4]) {
      const serves = await Promise.all(
        Array.from({ length: n }, (_, i) => startServe(pgdb.url, home, profileArgs(opts.profileDir, `serve-pg-${n}-${i}`))),
      );
      try {
        const r = await cannon(
          serves.map((s) => s.url),
          { connections: opts.concurrency, durationMs: opts.durationMs, warmupMs: opts.warmupMs, path: payPath(merchant, `pg${n}`) },
        );
        if (r.failures > 0) throw new Error(`${n} instance(s): ${r.failures} failed requests: ${r.failureNote}`);
        log(`instances: ${n} on PostgreSQL: ${Math.round(r.perSecond)}/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
        results.set(n, r);
      } finally {
        await Promise.all(serves.map((s) => s.stop()));
      }
    }
    const one = results.get(1)!;
    return [...results].map(([n, r]) =>
      row({
        section: 'instances',
        measure: `payments/s, ${n} × esipay serve on PostgreSQL`,
        unit: '/s',
        esipay: r.perSecond,
        baseline: n === 1 ? null : one.perSecond,
        baselineName: n === 1 ? null : '1 instance',
        target: null,
        note: `${opts.concurrency} connections in all; p50/p99 ${r.p50Ms}/${r.p99Ms} ms (worst instance)`,
      }),
    );
  } finally {
    for (const c of children.reverse()) await c.stop();
    await pgdb.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
