import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { esipayEnv } from '../lib/esipay.js';
import { BIN, childScript } from '../lib/paths.js';
import { row, type Row } from '../lib/report.js';
import type { BenchOptions } from '../options.js';
import { seedTransactions } from '../seed-transactions.js';

const CAPPED_V8 = ['--max-old-space-size=32', '--max-semi-space-size=2'];

interface Run {
  ms: number;
  cpuMs: number;
  peakMiB: number;
  sha: string;
}

/**
 * `esipay tx export --format csv --output FILE` of a merchant's `exportTransactions` rows (a
 * fresh `node bin/esipay.js`, local engine on SQLite) against a bare better-sqlite3 iterate() +
 * write loop (bench/children/bare-export.ts) that writes the same bytes (checked) to the same kind
 * of sink. They take turns, `rounds` times each; the best wall time of each side counts, CPU time
 * beside it (the figure to trust on a loaded machine). Constant memory: the export's peak RSS for
 * the full count against a tenth of it.
 */
export async function benchExport(opts: BenchOptions, log: (s: string) => void): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-bench-export-'));
  try {
    const home = join(dir, 'home');
    mkdirSync(home);
    const seed = async (name: string, count: number) => {
      const db = join(dir, `${name}.db`);
      log(`export: seeding ${count.toLocaleString('en-US')} transactions`);
      const { merchant } = await seedTransactions({ db, count });
      return { db, merchant, count };
    };
    const full = await seed('full', opts.exportTransactions);
    const tenth = await seed('tenth', Math.max(1, Math.round(opts.exportTransactions / 10)));

    const run = (argv: string[], env: Record<string, string | undefined>, output: string): Run => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['--import', childScript('usage'), ...argv], { env, encoding: 'utf8' });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
      const usage = JSON.parse(/USAGE (\{.*\})/.exec(r.stderr)![1]!) as { maxRssKiB: number; cpuUs: number };
      const sha = createHash('sha256').update(readFileSync(output)).digest('hex');
      rmSync(output);
      return { ms, cpuMs: usage.cpuUs / 1000, peakMiB: usage.maxRssKiB / 1024, sha };
    };
    const esipay = (s: typeof full, v8: string[] = []) => {
      const output = join(dir, 'esipay.csv');
      const env = esipayEnv(home, { ESIPAY_DB: s.db, ESIPAY_MERCHANT: s.merchant });
      return run([...v8, BIN, 'tx', 'export', '--format', 'csv', '--output', output], env, output);
    };
    const bare = (s: typeof full) => {
      const output = join(dir, 'bare.csv');
      return run([childScript('bare-export'), s.db, s.merchant, output], process.env, output);
    };

    const e: Run[] = [];
    const b: Run[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      for (const side of r % 2 === 0 ? (['bare', 'esipay'] as const) : (['esipay', 'bare'] as const)) {
        const res = side === 'bare' ? bare(full) : esipay(full);
        log(`export, ${side}: ${Math.round(res.ms)} ms, CPU ${Math.round(res.cpuMs)} ms, peak RSS ${Math.round(res.peakMiB)} MiB`);
        (side === 'bare' ? b : e).push(res);
      }
    }
    if (e.some((x) => x.sha !== b[0]!.sha)) throw new Error('esipay tx export and the bare loop wrote different files');
    const small = esipay(tenth);
    log(`export of ${tenth.count.toLocaleString('en-US')}: peak RSS ${Math.round(small.peakMiB)} MiB`);
    // Uncapped, V8 sizes its young generation by the allocation rate (up to 64 MiB semi-spaces),
    // whatever the export holds: with a 32 MiB old space and 2 MiB semi-spaces (as
    // test/cli/tx-export.test.ts runs it), an export that held its rows would die.
    const capped = (s: typeof full) => esipay(s, CAPPED_V8).peakMiB;
    const cappedFull = capped(full);
    const cappedTenth = capped(tenth);
    log(`export under ${CAPPED_V8.join(' ')}: peak RSS ${Math.round(cappedFull)} MiB (${Math.round(cappedTenth)} MiB for a tenth)`);

    const bestE = e.reduce((x, y) => (y.ms < x.ms ? y : x));
    const bestB = b.reduce((x, y) => (y.ms < x.ms ? y : x));
    const minCpu = (xs: Run[]) => Math.min(...xs.map((x) => x.cpuMs));
    const rows = full.count;
    const n = rows.toLocaleString('en-US');
    return [
      row({
        section: 'export',
        measure: `tx export rows/s, ${n} rows CSV to a file`,
        unit: '/s',
        esipay: (rows * 1000) / bestE.ms,
        baseline: (rows * 1000) / bestB.ms,
        baselineName: 'better-sqlite3 iterate() + write',
        target: { kind: 'min-ratio', value: 0.5 },
        note: `same bytes; CPU ${Math.round(minCpu(e))} ms (bare ${Math.round(minCpu(b))} ms): ${Math.round((100 * minCpu(b)) / minCpu(e))}% by CPU`,
      }),
      row({
        section: 'export',
        measure: `tx export peak RSS, ${n} rows`,
        unit: 'MiB',
        esipay: Math.max(...e.map((x) => x.peakMiB)),
        baseline: small.peakMiB,
        baselineName: `the same export of ${tenth.count.toLocaleString('en-US')} rows`,
        target: null,
        note: `V8 left to size its heap; the bare loop peaks at ${Math.round(Math.max(...b.map((x) => x.peakMiB)))} MiB`,
      }),
      row({
        section: 'export',
        measure: `tx export peak RSS, ${n} rows, ${CAPPED_V8.join(' ')}`,
        unit: 'MiB',
        esipay: cappedFull,
        baseline: cappedTenth,
        baselineName: `the same export of ${tenth.count.toLocaleString('en-US')} rows`,
        target: null,
        note: 'constant memory: the same peak for ten times the rows, in a heap that could not hold them',
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
