/**
 * Measures `esipay tui` on a real pseudo-terminal (tmux): time from launch to the first screen
 * with transaction rows, to the totals, and the process's resident memory at first screen and
 * while paging down through the history (it should stay flat).
 *
 *   node dist/bench/seed-transactions.js --db /tmp/big/esipay.db --count 1000000
 *   node dist/bench/tui-first-screen.js --db /tmp/big/esipay.db --merchant <uuid> [--pages 600]
 *
 * Needs tmux. Prints one JSON document.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_SECRET_KEY } from './lib/esipay.js';
import { cpuMs, UNSET_CI } from './lib/tmux.js';

const BIN = fileURLToPath(new URL('../../bin/esipay.js', import.meta.url));
const ROW = /\d\d:\d\d(:\d\d)? [0-9a-f]{8}/;

export interface TuiMeasure {
  firstRowsMs: number;
  /** CPU time of the process until the first rows were on screen. */
  cpuFirstRowsMs: number;
  totalsMs: number;
  rssFirstScreenMb: number;
  rssAfterPagingMb: number[];
  peakRssMb: number;
  /** Top-level orders scrolled past (from the cids of the first row before and after). */
  rowsPaged: number;
}

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

async function until(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function measureTui(opts: { db: string; merchant: string; pages: number; batch?: number }): Promise<TuiMeasure> {
  const home = mkdtempSync(join(tmpdir(), 'esipay-tui-bench-'));
  const session = `esipay-bench-${process.pid}`;
  // Without CI, as the baseline (UNSET_CI): esipay tui draws live with it too, but measures as a person runs it.
  const cmd = `exec env ${UNSET_CI} ESIPAY_HOME=${home} ESIPAY_SECRET_KEY=${BENCH_SECRET_KEY} '${process.execPath}' '${BIN}' tui --db '${opts.db}' --merchant ${opts.merchant}`;
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  try {
    const t0 = performance.now();
    tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '40', cmd);
    await until('the first rows', () => ROW.test(screen()), 10_000);
    const firstRowsMs = performance.now() - t0;
    const pid = Number(tmux('display', '-p', '-t', session, '#{pane_pid}').trim());
    const cpuFirstRowsMs = cpuMs(pid);
    await until('the totals', () => screen().includes('paid '), 20_000);
    const totalsMs = performance.now() - t0;
    const rssFirstScreenMb = memory(pid).rss;
    const topSeq = () =>
      Number(
        /order-(\d+)/.exec(
          screen()
            .split('\n')
            .find((l) => ROW.test(l)) ?? '',
        )?.[1] ?? NaN,
      );
    const startSeq = topSeq();

    const batch = opts.batch ?? 10;
    const rssAfterPagingMb: number[] = [];
    for (let done = 0; done < opts.pages; done += batch) {
      const before = screen();
      tmux('send-keys', '-t', session, ...Array.from({ length: batch }, () => 'PageDown'));
      // Settled: the keys moved the list (on a loaded machine the same screen twice in a row can
      // come before the keys are even read), no read in flight and the same screen twice in a row.
      let last = '';
      let moved = false;
      await until(
        'the paging to settle',
        () => {
          const s = screen();
          moved ||= s !== before;
          const settled = moved && s === last && !s.includes('reading…');
          last = s;
          return settled;
        },
        30_000,
      );
      rssAfterPagingMb.push(Math.round(memory(pid).rss));
    }
    const seq = startSeq - topSeq();
    const peakRssMb = memory(pid).hwm;
    tmux('send-keys', '-t', session, 'q');
    return {
      firstRowsMs: Math.round(firstRowsMs),
      cpuFirstRowsMs,
      totalsMs: Math.round(totalsMs),
      rssFirstScreenMb: Math.round(rssFirstScreenMb),
      rssAfterPagingMb,
      peakRssMb: Math.round(peakRssMb),
      rowsPaged: Number.isNaN(seq) ? -1 : seq,
    };
  } finally {
    try {
      tmux('kill-session', '-t', session);
    } catch {
      // already gone after q
    }
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { db: { type: 'string' }, merchant: { type: 'string' }, pages: { type: 'string', default: '600' } },
  });
  if (!values.db || !values.merchant) {
    process.stderr.write('usage: node dist/bench/tui-first-screen.js --db <file> --merchant <uuid> [--pages N]\n');
    process.exit(2);
  }
  const m = await measureTui({ db: values.db, merchant: values.merchant, pages: Number(values.pages) });
  process.stdout.write(JSON.stringify(m, null, 2) + '\n');
}
