import type { Command } from 'commander';
import type { ClockView } from '../../engine/clock-types.js';
import type { Output } from '../output.js';
import { action } from '../run-action.js';

/**
 * `esipay clock show | advance DURATION | set TIME | reset`: the time of a test database, for
 * every process on it (a running `esipay serve` included, within a quarter of a second). Refused
 * on a live database (live_database). docs/clock.md.
 */
export function registerClock(program: Command): void {
  const clock = program
    .command('clock')
    .description('the test clock: the time of a test database and of every esipay on it (expiries, due debits, retries)');

  clock
    .command('show')
    .description("the database's time, real time, and the offset between them")
    .action(
      action(async (ctx) => {
        const view = await (await ctx.openEngine()).clockShow();
        ctx.out.result(view, () => render(view));
      }),
    );

  clock
    .command('advance <duration>')
    .description('move the clock forward: 30d, 12h, 90m, 1w, or combined as 1d12h')
    .action(
      action(async (ctx, duration: string) => {
        const view = await (await ctx.openEngine()).clockAdvance(duration);
        answer(ctx.out, view);
      }),
    );

  clock
    .command('set <time>')
    .description('move the clock to an ISO-8601 time (2030-01-31T12:00:00Z) or a date; backwards only with --force')
    .option('--force', 'move it back before the current database time (records written since then lie in the future)')
    .action(
      action(async (ctx, time: string, opts: { force?: boolean }) => {
        const view = await (await ctx.openEngine()).clockSet(time, opts.force ? { force: true } : {});
        answer(ctx.out, view);
      }),
    );

  clock
    .command('reset')
    .description('back to real time; after an advance that moves it backwards, so it needs --force')
    .option('--force', 'move it back to real time even if that is earlier than the database time')
    .action(
      action(async (ctx, opts: { force?: boolean }) => {
        const view = await (await ctx.openEngine()).clockReset(opts.force ? { force: true } : {});
        answer(ctx.out, view);
      }),
    );
}

function answer(out: Output, view: ClockView): void {
  if (view.warning) out.warn(view.warning);
  out.result(view, () => `clock moved from ${view.previous ?? '?'} to ${view.now}\n${render(view)}`);
}

function render(v: ClockView): string {
  return [
    `database time: ${v.now} (${v.offset === '0' ? 'real time' : `${v.offset} from real time`})`,
    `real time:     ${v.wallTime}`,
    `mode:          ${v.mode}${v.mode === 'live' ? ' (the clock cannot be moved)' : ''}`,
  ].join('\n');
}
