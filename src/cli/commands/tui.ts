import type { Command } from 'commander';
import { invalid, isEsipayError } from '../../domain/errors.js';
import { action } from '../run-action.js';

export function registerTui(program: Command): void {
  program
    .command('tui')
    .description("full-screen dashboard of a merchant's transactions and remaining balances: filter, refund, ship, live")
    .option('--refresh <seconds>', 'how often to look for new transactions (0.5 to 60)', '2')
    .addHelpText(
      'after',
      '\nKeys: ↑↓/j/k PgUp/PgDn move, g top, / filter, enter detail, r refund, s ship, m merchant, q quit; G end, o order, d date range, f facets, ? every key.\nWithout --merchant (or ESIPAY_MERCHANT, or config) it opens the merchant picker.\nNeeds a terminal; for scripts use `esipay tx list --json`.',
    )
    .action(
      action(async (ctx, opts: { refresh: string }) => {
        if (!process.stdout.isTTY || !process.stdin.isTTY) {
          throw invalid('not_a_terminal', 'esipay tui needs an interactive terminal', 'for scripts and pipes use `esipay tx list --json`');
        }
        const seconds = Number(opts.refresh);
        if (!Number.isFinite(seconds) || seconds < 0.5 || seconds > 60) {
          throw invalid('invalid_refresh', `--refresh must be 0.5 to 60 seconds, not "${opts.refresh}"`);
        }
        const merchant = await ctx.merchant().catch((e: unknown) => {
          if (isEsipayError(e) && e.code === 'missing_merchant') return undefined;
          throw e;
        });
        // The totals sum a merchant's whole history: on a million rows that scan would fill
        // better-sqlite3's default 16 MiB page cache and keep it resident for the dashboard's
        // life. 2 MiB (SQLite's own default) holds what paging re-reads; the rest comes from the
        // operating system's cache at no visible cost.
        const engine = await ctx.openEngine({ sqliteCacheKiB: 2048, readOnly: true });
        // An unknown merchant is a usage error: say it on one line before taking the screen.
        if (merchant) await engine.getMerchant(merchant);
        // Ink decides at import time to print only the final frame when CI is set (a log, not a
        // terminal). Here stdout is a terminal the user is looking at, so the dashboard renders
        // live even in a shell that has CI set.
        delete process.env.CI;
        delete process.env.CONTINUOUS_INTEGRATION;
        // React's development build (the default without NODE_ENV) checks and records more than a
        // shipped program needs: it costs tens of megabytes and slower frames.
        process.env.NODE_ENV ??= 'production';
        // A dashboard is mostly idle, then allocates in bursts (a held PgDn redraws the screen
        // dozens of times a second). V8's default heap sizing keeps growing through such bursts
        // (RSS ~200 MB after fast paging over a million rows); optimised for size it collects
        // sooner and stays ~140 MB, with no visible cost to the frame rate. Read at run time.
        const v8 = await import('node:v8');
        v8.setFlagsFromString('--optimize-for-size');
        const { runDashboard } = await import('../../tui/dashboard.js');
        await runDashboard({
          engine,
          stdout: process.stdout,
          stdin: process.stdin,
          pollMs: Math.round(seconds * 1000),
          colors: ctx.out.colors,
          ...(merchant ? { merchant } : {}),
        });
      }),
    );
}
