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
import { bareServer, cpuNote, payPath, turns } from './service.js';

/**
 * Payments through 1, 2 and 4 `esipay serve` on one fresh PostgreSQL database, the same
 * connections in total spread evenly over the instances (as a load balancer would). The
 * baseline of 1 instance is a bare node:http server (its own process, its own fresh database
 * made by the store's migrations) that runs the PostgreSQL statements of a payment around the
 * same callback POST through pg (bench/lib/bare-pg.ts): they take turns, the best of each counts,
 * CPU per payment of each server process in the note. The baseline of 2 and 4 instances is 1
 * instance: the ratio is how far adding instances scales on this machine (on 2 cores, instances
 * compete for the same CPUs as PostgreSQL and the load).
 */
export async function benchInstances(opts: BenchOptions, log: (s: string) => void): Promise<Row[]> {
  const pgdb = await temporaryDatabase(opts.postgresUrl);
  if ('error' in pgdb) return [notRun('instances', 'payments/s on PostgreSQL', pgdb.error)];
  const bareDb = await temporaryDatabase(opts.postgresUrl);
  if ('error' in bareDb) return [notRun('instances', 'payments/s on PostgreSQL', bareDb.error)];
  const dir = mkdtempSync(join(tmpdir(), 'esipay-bench-instances-'));
  const children: RunningChild[] = [];
  try {
    const receiver = await startChild(childScript('receiver'), { args: [], ready: /listening on (http:\/\/\S+)/ });
    children.push(receiver);
    const bare = await bareServer(['pay-pg', bareDb.url, receiver.url]);
    children.push(bare);
    const home = join(dir, 'home');
    mkdirSync(home);
    const merchant = registerMerchant(pgdb.url, receiver.url + '/paid', esipayEnv(home));
    const load = { connections: opts.concurrency, durationMs: opts.durationMs, warmupMs: opts.warmupMs };

    const results = new Map<number, CannonResult>();
    let barePg: CannonResult | undefined;
    let offPg: CannonResult | undefined;
    let prefix = 0;
    for (const n of [1, 2, 4]) {
      const serves = await Promise.all(
        Array.from({ length: n }, (_, i) => startServe(pgdb.url, home, profileArgs(opts.profileDir, `serve-pg-${n}-${i}`))),
      );
      try {
        const esipay = () =>
          cannon(
            serves.map((s) => s.url),
            {
              ...load,
              path: payPath(merchant, `pg${n}-${prefix++}`),
              serverPids: serves.map((s) => s.pid),
              databasePids: pgdb.backendPids,
            },
          );
        if (n === 1) {
          // The same serve with its statements unnamed: what preparing them (prepared.ts) gains.
          const unprepared = await startServe(pgdb.url, home, [], { ESIPAY_PG_PREPARE: 'off' });
          try {
            const best = await turns(opts.rounds, log, 'instances: 1 on PostgreSQL', {
              bare: () =>
                cannon([bare.url], {
                  ...load,
                  path: payPath(bare.match[2]!, `bare-${prefix++}`),
                  serverPids: [bare.pid],
                  databasePids: bareDb.backendPids,
                }),
              esipay,
              esipayUnprepared: () =>
                cannon([unprepared.url], {
                  ...load,
                  path: payPath(merchant, `off-${prefix++}`),
                  serverPids: [unprepared.pid],
                  databasePids: pgdb.backendPids,
                }),
            });
            [barePg, offPg] = [best.bare, best.esipayUnprepared];
            results.set(n, best.esipay);
          } finally {
            await unprepared.stop();
          }
          continue;
        }
        const r = await esipay();
        if (r.failures > 0) throw new Error(`${n} instance(s): ${r.failures} failed requests: ${r.failureNote}`);
        log(`instances: ${n} on PostgreSQL: ${Math.round(r.perSecond)}/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
        results.set(n, r);
      } finally {
        await Promise.all(serves.map((s) => s.stop()));
      }
    }
    const one = results.get(1)!;
    return [
      row({
        section: 'instances',
        measure: 'payments/s, 1 × esipay serve on PostgreSQL',
        unit: '/s',
        esipay: one.perSecond,
        baseline: barePg!.perSecond,
        baselineName: 'node:http + pg + POST',
        target: { kind: 'min-ratio', value: 0.7 },
        note: `the same statements per payment; ${opts.concurrency} connections; ${cpuNote(one, barePg!)}; ${databaseNote(one, barePg!, 'bare')}; p50/p99 ${one.p50Ms}/${one.p99Ms} ms (bare ${barePg!.p50Ms}/${barePg!.p99Ms})`,
      }),
      row({
        section: 'instances',
        measure: 'payments/s, 1 × esipay serve on PostgreSQL',
        unit: '/s',
        esipay: one.perSecond,
        baseline: offPg!.perSecond,
        baselineName: 'the same, ESIPAY_PG_PREPARE=off',
        target: null,
        note: `what naming (preparing) the statements gains; ${cpuNote(one, offPg!).replace('bare', 'unprepared')}; ${databaseNote(one, offPg!, 'unprepared')}`,
      }),
      ...[...results]
        .filter(([n]) => n > 1)
        .map(([n, r]) =>
          row({
            section: 'instances',
            measure: `payments/s, ${n} × esipay serve on PostgreSQL`,
            unit: '/s',
            esipay: r.perSecond,
            baseline: one.perSecond,
            baselineName: '1 instance',
            target: null,
            note: `${opts.concurrency} connections in all; p50/p99 ${r.p50Ms}/${r.p99Ms} ms (worst instance)${r.cpuUsPerRequest === null ? '' : `; server CPU ${Math.round(r.cpuUsPerRequest)} µs/payment in all`}`,
          }),
        ),
    ];
  } finally {
    for (const c of children.reverse()) await c.stop();
    await pgdb.drop().catch(() => undefined);
    await bareDb.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PostgreSQL's own CPU per payment (the backends of the pool that served it), beside the other side's. */
function databaseNote(esipay: CannonResult, other: CannonResult, name: string): string {
  const [a, b] = [esipay.databaseCpuUsPerRequest, other.databaseCpuUsPerRequest];
  if (a == null || b == null) return 'PostgreSQL CPU per payment unknown';
  return `PostgreSQL backends ${Math.round(a)} µs/payment (${name} ${Math.round(b)})`;
}
