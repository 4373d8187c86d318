import { type Command, Option } from 'commander';
import { EVENT_STATUSES, type EventView } from '../../domain/events.js';
import { invalid } from '../../domain/errors.js';
import { renderActivity, renderEvent, renderEventTable } from '../render-events.js';
import { action } from '../run-action.js';

/**
 * `esipay events`: the messages esipay sends merchants (V4 IPNs, payment-link callbacks), what
 * became of each and every attempt; resend one; follow them live. docs/events.md.
 */
export function registerEvents(program: Command): void {
  const events = program.command('events').description('IPNs and callbacks sent to merchants: list, show, resend, tail');

  events
    .command('list')
    .description('events, newest first, with their delivery status (every merchant unless --merchant)')
    .addOption(new Option('--status <status>', 'only events in this status').choices([...EVENT_STATUSES]))
    .option('--transaction <id>', 'only the events of this transaction')
    .option('--type <type>', 'only events of this type (initial.authorised, link.paid, link.debit.failed…)')
    .option('--limit <n>', 'page size (at most 1000)', (v) => Number(v), 50)
    .option('--cursor <cursor>', 'the next-page cursor printed by the previous page')
    .action(
      action(async (ctx, opts: { status?: string; transaction?: string; type?: string; limit: number; cursor?: string }) => {
        const engine = await ctx.openEngine({ readOnly: true });
        const page = await engine.listEvents({
          limit: opts.limit,
          ...(ctx.opts.merchant !== undefined ? { merchant: ctx.opts.merchant } : {}),
          ...(opts.status !== undefined ? { status: opts.status } : {}),
          ...(opts.transaction !== undefined ? { transaction: opts.transaction } : {}),
          ...(opts.type !== undefined ? { type: opts.type } : {}),
          ...(opts.cursor !== undefined ? { cursor: opts.cursor } : {}),
        });
        ctx.out.result(page, () => {
          if (page.items.length === 0) return 'no events';
          const table = renderEventTable(ctx.out.color, page.items, ctx.out.columns);
          return page.next ? `${table}\nmore: --cursor ${page.next}` : table;
        });
      }),
    );

  events
    .command('show <event>')
    .description('one event: its payload (card numbers and signatures masked) and every attempt')
    .action(
      action(async (ctx, id: string) => {
        const engine = await ctx.openEngine({ readOnly: true });
        const e = await engine.getEvent(id, ctx.opts.merchant);
        ctx.out.result(e, () => renderEvent(ctx.out.color, e));
      }),
    );

  events
    .command('resend <event>')
    .description('queue an event again now, even a dead or delivered one (recorded in its history)')
    .action(
      action(async (ctx, id: string) => {
        // It writes, but only to an event that exists: no database is created for it.
        const engine = await ctx.openEngine({ readOnly: true });
        const e = await engine.resendEvent(id, ctx.opts.merchant);
        ctx.out.result(e, () => `queued ${e.type} ${e.id} again for ${e.url}: \`esipay serve\` on this database delivers it`);
      }),
    );

  events
    .command('tail')
    .description('follow new events and attempts as they happen, until Ctrl-C (--json: one JSON line each)')
    .option('--interval <ms>', 'how often to look (milliseconds)', (v) => Number(v), 500)
    .action(
      action(async (ctx, opts: { interval: number }) => {
        if (!Number.isInteger(opts.interval) || opts.interval < 50 || opts.interval > 60_000) {
          throw invalid('invalid_interval', 'the interval must be a whole number of milliseconds from 50 to 60000');
        }
        const engine = await ctx.openEngine({ readOnly: true });
        let stopped = false;
        let wake: () => void = () => undefined;
        const stop = () => {
          stopped = true;
          wake();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          let feed = await engine.followEvents();
          ctx.out.info(`following events on ${engine.description} (Ctrl-C to stop)`);
          while (!stopped) {
            for (const item of feed.items) {
              if (!matches(item.event, ctx.opts.merchant)) continue;
              ctx.out.stdout.write((ctx.out.json ? JSON.stringify(item) : renderActivity(ctx.out.color, item)) + '\n');
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, opts.interval);
            });
            if (!stopped) feed = await engine.followEvents({ after: feed.cursor });
          }
        } finally {
          process.removeListener('SIGINT', stop);
          process.removeListener('SIGTERM', stop);
        }
      }),
    );
}

const matches = (e: EventView, merchant: string | undefined) => merchant === undefined || e.merchant === merchant;
