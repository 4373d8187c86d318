import type { Command } from 'commander';
import type { TransactionView } from '../../domain/types.js';
import { nestShipments, renderTable, renderTransaction, transactionColumns } from '../render.js';
import { renderTransactionEvents } from '../render-events.js';
import { action } from '../run-action.js';

export function registerTx(program: Command): void {
  const tx = program.command('tx').description('list and show transactions with their remaining balances');

  tx.command('list')
    .description("a merchant's transactions, newest first, with refunded and remaining amounts")
    .option('--limit <n>', 'page size (at most 1000)', (v) => Number(v), 50)
    .option('--cursor <cursor>', 'the next-page cursor printed by the previous page')
    .option('--all', 'every page, to the end')
    .option('--kind <kinds>', 'only these kinds, comma-separated: card,initial,shipment,link')
    .action(
      action(async (ctx, opts: { limit: number; cursor?: string; all?: boolean; kind?: string }) => {
        const merchant = await ctx.merchant();
        const engine = await ctx.openEngine({ readOnly: true });
        const kinds = opts.kind ? opts.kind.split(',').map((k) => k.trim()) : undefined;
        const items: TransactionView[] = [];
        let cursor = opts.cursor;
        let next: string | null = null;
        do {
          const page = await engine.listTransactions({
            merchant,
            limit: opts.limit,
            ...(cursor ? { cursor } : {}),
            ...(kinds ? { kinds } : {}),
          });
          items.push(...page.items);
          next = page.next;
          cursor = next ?? undefined;
        } while (opts.all && next);
        ctx.out.result({ items, next }, () => {
          if (items.length === 0) return 'no transactions';
          const rows = nestShipments(items);
          const table = renderTable(transactionColumns(ctx.out.color, rows), rows, ctx.out.columns);
          return next ? `${table}\nmore: --cursor ${next}` : table;
        });
      }),
    );

  tx.command('show <transaction>')
    .description('one transaction with its refunds, shipments, callback outcome and events')
    .action(
      action(async (ctx, id: string) => {
        const engine = await ctx.openEngine({ readOnly: true });
        const t = await engine.getTransaction(id, ctx.opts.merchant);
        // The messages sent about it (IPNs, link callbacks): type, status, tries, last error.
        const { items: events } = await engine.listEvents({ transaction: t.id, limit: 100 });
        ctx.out.result({ ...t, events }, () =>
          [renderTransaction(ctx.out.color, t), ...renderTransactionEvents(ctx.out.color, events)].join('\n'),
        );
      }),
    );
}
