import type { Page, TransactionDetail, TransactionRecord, TransactionView } from '../../domain/types.js';
import type { MerchantTotals } from '../../store/store.js';
import type { ListTransactionsInput } from '../engine.js';
import { type EngineContext, requireMerchant, requireTransaction } from './context.js';
import { clampLimit } from './merchants.js';
import { decodeCursor, encodeCursor, toRefundView, toTransactionView } from './views.js';
import { invalid } from '../../domain/errors.js';

export async function listTransactions(ctx: EngineContext, q: ListTransactionsInput): Promise<Page<TransactionView>> {
  await requireMerchant(ctx, q.merchant);
  const limit = clampLimit(q.limit, 1000);
  const before = decodeCursor(q.cursor);
  if (q.cursor && !before) throw invalid('invalid_cursor', 'the cursor is not one esipay gave');
  const rows = await ctx.store.listTransactions({
    merchantId: q.merchant,
    limit: limit + 1,
    ...(before ? { before } : {}),
    ...(q.kinds ? { kinds: q.kinds } : {}),
    ...(q.topLevel ? { topLevel: true } : {}),
  });
  const items = rows.slice(0, limit);
  const parents = await loadParents(ctx, items);
  const now = ctx.clock();
  const last = items.at(-1);
  return {
    items: items.map((t) => toTransactionView(t, now, t.parentId ? parents.get(t.parentId) : undefined)),
    next: rows.length > limit && last ? encodeCursor(last) : null,
  };
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
