import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { childScript } from '../lib/paths.js';
import { notRun, row, type Row } from '../lib/report.js';
import { firstScreen, hasTmux } from '../lib/tmux.js';
import { median } from '../lib/stats.js';
import type { BenchOptions } from '../options.js';
import { seedTransactions } from '../seed-transactions.js';
import { measureTui } from '../tui-first-screen.js';

/**
 * `esipay tui` on a real pseudo-terminal (tmux) over a SQLite database of `tuiTransactions`
 * (ten million by default), measured by the TUI's own bench (bench/tui-first-screen.ts): time
 * until transaction rows are on screen, resident memory then, and while paging down. Baseline:
 * an Ink hello-world (Node + React + Ink, nothing of esipay) started the same way.
 */
export async function benchTui(opts: BenchOptions, log: (s: string) => void): Promise<Row[]> {
  if (!hasTmux()) return [notRun('tui', 'first screen', 'tmux is not installed (apt-get install tmux)')];
  const dir = mkdtempSync(join(tmpdir(), 'esipay-bench-tui-'));
  try {
    const db = join(dir, 'esipay.db');
    log(`tui: seeding ${opts.tuiTransactions.toLocaleString('en-US')} transactions`);
    const seeded = await seedTransactions({ db, count: opts.tuiTransactions });
    log(`tui: seeded in ${seeded.seconds.toFixed(1)} s`);

    const pages = 50;
    const runs = 3;
    const esipay: Awaited<ReturnType<typeof measureTui>>[] = [];
    const base: { ms: number; rssMb: number; cpuMs: number }[] = [];
    const loads: number[] = [];
    for (let i = 0; i < runs; i++) {
      base.push(await firstScreen(`exec '${process.execPath}' '${childScript('ink-hello')}'`, /hello from ink/));
      esipay.push(await measureTui({ db, merchant: seeded.merchant, pages: i === 0 ? pages : 0 }));
      loads.push(loadavg()[0]!);
    }
    const first = median(esipay.map((m) => m.firstRowsMs));
    const count = seeded.count.toLocaleString('en-US');
    log(`tui: first rows ${esipay.map((m) => m.firstRowsMs).join('/')} ms, ink hello ${base.map((b) => Math.round(b.ms)).join('/')} ms`);
    return [
      row({
        section: 'tui',
        measure: `first screen, ${count} transactions`,
        unit: 'ms',
        esipay: first,
        baseline: median(base.map((b) => b.ms)),
        baselineName: 'Ink hello world',
        target: { kind: 'max', value: 500 },
        note: `median of ${runs}; totals line after ${median(esipay.map((m) => m.totalsMs))} ms; seeded in ${Math.round(seeded.seconds)} s; load average ${loads.map((l) => l.toFixed(1)).join('/')} (2 cores)`,
      }),
      row({
        section: 'tui',
        measure: `CPU time to first screen, ${count} transactions`,
        unit: 'ms',
        esipay: median(esipay.map((m) => m.cpuFirstRowsMs)),
        baseline: median(base.map((b) => b.cpuMs)),
        baselineName: 'Ink hello world',
        target: null,
        note: `user + system of the process, median of ${runs}: steadier than wall time on a loaded machine`,
      }),
      row({
        section: 'tui',
        measure: 'resident memory at first screen',
        unit: 'MB',
        esipay: median(esipay.map((m) => m.rssFirstScreenMb)),
        baseline: median(base.map((b) => b.rssMb)),
        baselineName: 'Ink hello world',
        target: { kind: 'max', value: 150 },
      }),
      row({
        section: 'tui',
        measure: `peak resident memory, ${pages} × 10 pages down`,
        unit: 'MB',
        esipay: esipay[0]!.peakRssMb,
        baseline: median(base.map((b) => b.rssMb)),
        baselineName: 'Ink hello world',
        target: { kind: 'max', value: 150 },
        ...(esipay[0]!.rowsPaged > 0 ? { note: `${esipay[0]!.rowsPaged.toLocaleString('en-US')} orders scrolled past` } : {}),
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
