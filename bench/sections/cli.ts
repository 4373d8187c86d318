import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startChild } from '../lib/child.js';
import { esipayEnv, registerMerchant } from '../lib/esipay.js';
import { BIN, childScript } from '../lib/paths.js';
import { row, type Row } from '../lib/report.js';
import { median } from '../lib/stats.js';
import type { BenchOptions } from '../options.js';
import { seedTransactions } from '../seed-transactions.js';

/**
 * Wall time of CLI commands as a user runs them (a fresh `node bin/esipay.js` each time, local
 * engine on SQLite) against `node -e 0`, the floor of any Node CLI. Commands take turns within
 * each run so background noise spreads over all of them; one unmeasured run first (disk cache).
 */
export async function benchCli(opts: BenchOptions, log: (s: string) => void): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-bench-cli-'));
  const receiver = await startChild(childScript('receiver'), { args: [], ready: /listening on (http:\/\/\S+)/ });
  try {
    const home = join(dir, 'home');
    mkdirSync(home);
    const db = join(dir, 'esipay.db');
    const env = esipayEnv(home, { ESIPAY_DB: db });
    const merchant = registerMerchant(db, receiver.url + '/paid', env);
    log(`cli: seeding ${opts.cliTransactions} transactions`);
    await seedTransactions({ db, merchant, count: opts.cliTransactions });
    const payEnv = { ...env, ESIPAY_MERCHANT: merchant };

    let cid = 0;
    const commands: Record<string, () => string[]> = {
      'node -e 0': () => ['-e', '0'],
      'esipay --version': () => [BIN, '--version'],
      'esipay pay': () => [
        BIN,
        'pay',
        '10.00',
        '--card',
        '4111111111111111',
        '--expiry',
        '12/2030',
        '--cid',
        `cli-bench-${cid++}`,
        '--json',
      ],
      'esipay tx list --json': () => [BIN, 'tx', 'list', '--json'],
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
    for (let run = 0; run <= opts.cliRuns; run++) {
      for (const [name, args] of Object.entries(commands)) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, args(), { env: payEnv, encoding: 'utf8' });
        const ms = performance.now() - t0;
        if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
        if (run > 0) times[name]!.push(ms);
      }
    }
    const floor = median(times['node -e 0']!);
    log(
      `cli: medians ${Object.entries(times)
        .map(([k, v]) => `${k} ${median(v).toFixed(0)} ms`)
        .join(', ')}`,
    );
    const timeRow = (name: string, target: number | null, note?: string) =>
      row({
        section: 'cli',
        measure: name,
        unit: 'ms',
        esipay: median(times[name]!),
        baseline: floor,
        baselineName: 'node -e 0',
        target: target === null ? null : { kind: 'max-ratio', value: target },
        ...(note ? { note } : {}),
      });
    return [
      timeRow('esipay --version', 1.5),
      timeRow('esipay pay', 3, 'local engine on SQLite, callback to a loopback receiver'),
      timeRow('esipay tx list --json', null, `first page of ${opts.cliTransactions.toLocaleString('en-US')} transactions`),
    ];
  } finally {
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
