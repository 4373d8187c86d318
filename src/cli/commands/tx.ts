import type { Command } from 'commander';
import { EsipayError } from '../../domain/errors.js';
import type { TransactionView } from '../../domain/types.js';
import type { Engine, ListTransactionsInput } from '../../engine/engine.js';
import { checkTransactionFilters, FLAG_NAMES, invalidCursor, type TransactionFilters } from '../../engine/transaction-filters.js';
import type { OptionSpec, PlainCommand } from '../command-line.js';
import { declareCommand } from '../declare.js';
import { nestShipments, renderTable, renderTransaction, transactionColumns } from '../render.js';
import { action } from '../run-action.js';

/** The filter flags of tx list and tx export, as the action gets them. */
interface FilterFlags {
  kind?: string;
  status?: string;
  since?: string;
  until?: string;
  cid?: string;
}

/** The filter options of tx list and tx export. */
const FILTER_OPTIONS: readonly OptionSpec[] = [
  { flags: '--kind <kinds>', description: 'only these kinds, comma-separated: card,initial,shipment,link' },
  { flags: '--status <statuses>', description: 'only these statuses, comma-separated: PAID,PARTIALLY_REFUNDED,REFUNDED,DECLINED,…' },
  { flags: '--since <time>', description: 'only those created at or after this day (YYYY-MM-DD, 00:00 UTC) or ISO 8601 time' },
  { flags: '--until <time>', description: 'only those created before this day or ISO 8601 time (exclusive)' },
  { flags: '--cid <reference>', description: 'only those with this merchant reference (cid, order id)' },
];

/** The flags checked (exit 2 naming the flag) before any engine is opened. */
function filtersOf(opts: FilterFlags): TransactionFilters {
  return checkTransactionFilters(
    { kinds: opts.kind, statuses: opts.status, since: opts.since, until: opts.until, cid: opts.cid },
    FLAG_NAMES,
  );
}

const list: PlainCommand = {
  spec: {
    group: 'tx',
    name: 'list',
    args: [],
    description: "a merchant's transactions, newest first, with refunded and remaining amounts",
    options: [
      { flags: '--limit <n>', description: 'page size (at most 1000)', parse: (v) => Number(v), default: 50 },
      { flags: '--cursor <cursor>', description: 'the next-page cursor printed by the previous page' },
      { flags: '--all', description: 'every page, to the end' },
      ...FILTER_OPTIONS,
    ],
  },
  run: action(async (ctx, opts: FilterFlags & { limit: number; cursor?: string; all?: boolean }) => {
    const filters = filtersOf(opts);
    if (opts.cursor === '') throw invalidCursor(FLAG_NAMES.cursor, '');
    const merchant = await ctx.merchant();
    const engine = await ctx.openEngine({ readOnly: true });
    const items: TransactionView[] = [];
    let cursor = opts.cursor;
    let next: string | null = null;
    do {
      const page = await listPage(engine, { merchant, limit: opts.limit, ...(cursor !== undefined ? { cursor } : {}), ...filters });
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
};

const show: PlainCommand = {
  spec: {
    group: 'tx',
    name: 'show',
    args: [{ name: '<transaction>', description: 'the id of the transaction' }],
    description: 'one transaction with its refunds, shipments, callback outcome and events',
    options: [],
  },
  run: action(async (ctx, id: string) => {
    const engine = await ctx.openEngine({ readOnly: true });
    const t = await engine.getTransaction(id, ctx.opts.merchant);
    // The messages sent about it (IPNs, link callbacks): type, status, tries, last error.
    const { items: events } = await engine.listEvents({ transaction: t.id, limit: 100 });
    // Here, not at the top: `esipay tx list`, run far more often, has no use for it.
    const { renderTransactionEvents } = await import('../render-events.js');
    ctx.out.result({ ...t, events }, () =>
      [renderTransaction(ctx.out.color, t), ...renderTransactionEvents(ctx.out.color, events)].join('\n'),
    );
  }),
};

const exportCommand: PlainCommand = {
  spec: {
    group: 'tx',
    name: 'export',
    args: [],
    description: "stream a merchant's transactions as CSV or NDJSON, any number of them, in constant memory",
    options: [
      {
        flags: '--format <format>',
        description: 'csv (a header, RFC 4180) or ndjson (one transaction a line)',
        choices: ['csv', 'ndjson'],
      },
      { flags: '--output <file>', description: 'write to this file (complete or not at all) rather than stdout' },
      ...FILTER_OPTIONS,
    ],
  },
  run: action(async (ctx, opts: FilterFlags & { format?: 'csv' | 'ndjson'; output?: string }) => {
    const filters = filtersOf(opts);
    const { exportTransactions } = await import('../batch/export.js');
    await exportTransactions(ctx, {
      filters,
      ...(opts.format ? { format: opts.format } : {}),
      ...(opts.output ? { output: opts.output } : {}),
    });
  }),
};

/** tx list, show and export: each runs from a plain command line without commander (src/cli/main.ts). */
export const tx: readonly PlainCommand[] = [list, show, exportCommand];

export function registerTx(program: Command): void {
  const group = program.command('tx').description('list, show and export transactions with their remaining balances');
  for (const command of tx) declareCommand(group, command.spec).action(command.run);
}

/** A page; a cursor the engine cannot read is named as the flag it came from. */
async function listPage(engine: Engine, q: ListTransactionsInput) {
  try {
    return await engine.listTransactions(q);
  } catch (e) {
    if (e instanceof EsipayError && e.code === 'invalid_cursor' && q.cursor !== undefined) throw invalidCursor(FLAG_NAMES.cursor, q.cursor);
    throw e;
  }
}
