import type { Page, TransactionDetail, TransactionRecord, TransactionView } from '../../domain/types.js';
import type { Keyset, MerchantTotals } from '../../store/store.js';
import type { ListTransactionsInput } from '../engine.js';
import { type EngineContext, requireMerchant, requireTransaction } from './context.js';
import { clampLimit } from './merchants.js';
import { decodeCursor, encodeCursor, toRefundView, toTransactionView } from './views.js';
import { TX_ID } from '../../util/ids.js';
import { checkTransactionFilters, FIELD_NAMES, invalidCursor } from '../transaction-filters.js';

export async function listTransactions(ctx: EngineContext, q: ListTransactionsInput): Promise<Page<TransactionView>> {
  // Before the merchant, as the remote engine checks them before it sends anything: the same
  // mistake gets the same error on every engine.
  const filters = checkTransactionFilters(q);
  await requireMerchant(ctx, q.merchant);
  const limit = clampLimit(q.limit, 1000);
  const before = q.cursor === undefined ? undefined : transactionCursor(q.cursor);
  const now = ctx.clock();
  const rows = await ctx.store.listTransactions({
    merchantId: q.merchant,
    limit: limit + 1,
    ...(before ? { before } : {}),
    ...(q.topLevel ? { topLevel: true } : {}),
    ...filters,
    now: now.toISOString(),
  });
  const items = rows.slice(0, limit);
  const parents = await loadParents(ctx, items);
  const last = items.at(-1);
  return {
    items: items.map((t) => toTransactionView(t, now, t.parentId ? parents.get(t.parentId) : undefined)),
    next: rows.length > limit && last ? encodeCursor(last) : null,
  };
}

/**
 * The keyset a cursor of this listing holds: a transaction's creation time as the store writes it
 * and a transaction id. Anything else (an empty cursor, another listing's, one edited by hand)
 * is refused, never read as the first page.
 */
function transactionCursor(cursor: string): Keyset {
  const k = decodeCursor(cursor);
  if (!k || !TX_ID.test(k.id) || new Date(k.createdAt).toISOString() !== k.createdAt) throw invalidCursor(FIELD_NAMES.cursor, cursor);
  return k;
}

export async function getTransaction(ctx: EngineContext, id: string, merchant?: string): Promise<TransactionDetail> {
  if (merchant !== undefined) await requireMerchant(ctx, merchant);
  const tx = await requireTransaction(ctx, id, merchant);
  const now = ctx.clock();
  const parent = tx.parentId ? await ctx.store.getTransaction(tx.parentId) : undefined;
  const [refunds, shipments] = await Promise.all([
    ctx.store.listRefunds(tx.id),
    tx.kind === 'initial' ? ctx.store.listShipments(tx.id) : Promise.resolve([]),
  ]);
  return {
    ...toTransactionView(tx, now, parent),
    refunds: refunds.map(toRefundView),
    shipments: shipments.map((s) => toTransactionView(s, now, tx)),
    callback: tx.callbackStatus !== null || tx.callbackError !== null ? { status: tx.callbackStatus, error: tx.callbackError } : null,
  };
}

export async function merchantTotals(ctx: EngineContext, merchant: string): Promise<MerchantTotals> {
  await requireMerchant(ctx, merchant);
  return ctx.store.merchantTotals(merchant, ctx.clock().toISOString());
}

async function loadParents(ctx: EngineContext, items: TransactionRecord[]): Promise<Map<string, TransactionRecord>> {
  const ids = [...new Set(items.flatMap((t) => (t.parentId ? [t.parentId] : [])))];
  const out = new Map<string, TransactionRecord>();
  for (const t of items) out.set(t.id, t);
  for (const id of ids) {
    if (out.has(id)) continue;
    const p = await ctx.store.getTransaction(id);
    if (p) out.set(id, p);
  }
  return out;
}
