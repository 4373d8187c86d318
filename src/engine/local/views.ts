import type { RefundRecord, RefundView, TransactionRecord, TransactionView, TxDisplayStatus } from '../../domain/types.js';
import { DAY_MS } from '../../util/clock.js';

/** The card network's payment guarantee covers shipments within 30 days of the order. */
export const GUARANTEE_DAYS = 30;

/** What can still be refunded (card, shipment, link) or shipped (initial), at `now`. Never negative. */
export function remainingOf(t: TransactionRecord, now: Date): number {
  if (t.kind === 'initial') {
    return t.status === 'AUTHORISED' && !isExpired(t, now) ? Math.max(0, t.amount - t.shipped) : 0;
  }
  return t.status === 'PAID' ? Math.max(0, t.amount - t.refunded) : 0;
}

export function isExpired(t: TransactionRecord, now: Date): boolean {
  return t.expiresAt !== null && t.expiresAt <= now.toISOString();
}

export function displayStatus(t: TransactionRecord, now: Date): TxDisplayStatus {
  if (t.status === 'PAID' && t.refunded > 0) return t.refunded >= t.amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  if (t.status === 'AUTHORISED' && isExpired(t, now)) return 'EXPIRED';
  return t.status;
}

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
    remaining: remainingOf(t, now),
    card: t.cardFirst6 && t.cardLast4 ? { first6: t.cardFirst6, last4: t.cardLast4, brand: t.cardBrand ?? 'unknown' } : null,
    createdAt: t.createdAt,
  };
  if (t.kind === 'initial') {
    view.shipped = t.shipped;
    if (t.expiresAt) view.expiresAt = t.expiresAt;
  }
  if (t.kind === 'shipment' && t.parentId) {
    view.parent = t.parentId;
    if (parent) view.withinGuarantee = Date.parse(t.createdAt) - Date.parse(parent.createdAt) <= GUARANTEE_DAYS * DAY_MS;
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
