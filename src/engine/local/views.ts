import { remainingOf } from '../../domain/decisions.js';
import { displayStatus, withinGuarantee } from '../../domain/transaction-status.js';
import type { RefundRecord, RefundView, TransactionRecord, TransactionView } from '../../domain/types.js';

export function toTransactionView(t: TransactionRecord, now: Date, parent?: TransactionRecord): TransactionView {
  const view: TransactionView = {
    id: t.id,
    merchant: t.merchantId,
    cid: t.cid,
    kind: t.kind,
    status: displayStatus(t, now),
    amount: t.amount,
    currency: t.currency,
    refunded: t.refunded,
    remaining: remainingOf(t, now.toISOString()),
    card: t.cardFirst6 && t.cardLast4 ? { first6: t.cardFirst6, last4: t.cardLast4, brand: t.cardBrand ?? 'unknown' } : null,
    createdAt: t.createdAt,
  };
  if (t.kind === 'initial') {
    view.shipped = t.shipped;
    if (t.expiresAt) view.expiresAt = t.expiresAt;
  }
  if (t.kind === 'shipment' && t.parentId) {
    view.parent = t.parentId;
    if (parent) view.withinGuarantee = withinGuarantee(t, parent);
  }
  if (t.reason && t.status !== 'PAID' && t.status !== 'AUTHORISED') view.reason = t.reason;
  return view;
}

export function toRefundView(r: RefundRecord): RefundView {
  return { id: r.id, transaction: r.transactionId, amount: r.amount, currency: r.currency, createdAt: r.createdAt };
}

/** Opaque keyset cursor: base64url of "createdAt|id". */
export function encodeCursor(k: { createdAt: string; id: string }): string {
  return Buffer.from(`${k.createdAt}|${k.id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { createdAt: string; id: string } | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString();
  const [createdAt, id] = text.split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt))) return undefined;
  return { createdAt, id };
}
