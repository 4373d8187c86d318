import type { TransactionRecord, TxKind } from './types.js';

/**
 * The money decisions, stated once: what may be refunded or shipped, how much of it is left, and
 * whether one more refund or shipment fits. Pure (no I/O, no clock: `now` is the caller's ISO-8601
 * UTC time, compared as the records store it), so each store adapter calls them on the row it has
 * just read under its own lock or transaction, and views can show the very same numbers.
 */

/** The kinds on which money moved, so a refund can give some back (an initial authorisation debits nothing). */
export const REFUNDABLE_KINDS: readonly TxKind[] = ['card', 'shipment', 'link'];

type Refundable = Pick<TransactionRecord, 'kind' | 'status' | 'amount' | 'refunded'>;
type Shippable = Pick<TransactionRecord, 'kind' | 'status' | 'amount' | 'shipped' | 'expiresAt'>;

/** A refund may apply: the money moved (PAID) on a kind that moves money. */
export function isRefundable(t: Pick<TransactionRecord, 'kind' | 'status'>): boolean {
  return t.status === 'PAID' && REFUNDABLE_KINDS.includes(t.kind);
}

/**
 * The refund ceiling: what can still be refunded (the amount less what was refunded), 0 when
 * nothing may be. Never negative.
 */
export function remainingToRefund(t: Refundable): number {
  return isRefundable(t) ? Math.max(0, t.amount - t.refunded) : 0;
}

/** An initial authorisation past its end (expiresAt) can no longer be shipped against. */
export function isExpired(t: Pick<TransactionRecord, 'expiresAt'>, now: string): boolean {
  return t.expiresAt !== null && t.expiresAt <= now;
}

/**
 * The shipment ceiling: what an initial authorisation still allows to ship at `now` (the amount
 * less what was shipped), 0 when it is not AUTHORISED or has expired. Never negative.
 */
export function remainingToShip(t: Shippable, now: string): number {
  if (t.kind !== 'initial' || t.status !== 'AUTHORISED' || isExpired(t, now)) return 0;
  return Math.max(0, t.amount - t.shipped);
}

/** What a transaction still allows at `now`: to ship for an initial authorisation, to refund for the others. */
export function remainingOf(t: Refundable & Shippable, now: string): number {
  return t.kind === 'initial' ? remainingToShip(t, now) : remainingToRefund(t);
}

/** Why a refund is refused; the transaction comes with it when the merchant may see it. */
export type RefundRefusal =
  { ok: false; reason: 'not_found' } | { ok: false; reason: 'not_refundable' | 'exceeds_remaining'; transaction: TransactionRecord };

/**
 * Whether `refund` may be taken from `tx` (as read under the caller's lock): another merchant's
 * transaction is not found, only a refundable one may be refunded, and never beyond its ceiling.
 */
export function decideRefund(
  tx: TransactionRecord | undefined,
  refund: { merchantId: string; amount: number },
): { ok: true; transaction: TransactionRecord } | RefundRefusal {
  if (!tx || tx.merchantId !== refund.merchantId) return { ok: false, reason: 'not_found' };
  if (!isRefundable(tx)) return { ok: false, reason: 'not_refundable', transaction: tx };
  if (refund.amount > remainingToRefund(tx)) return { ok: false, reason: 'exceeds_remaining', transaction: tx };
  return { ok: true, transaction: tx };
}

/** Why a shipment is refused; the parent comes with it when the merchant may see it. */
export type ShipmentRefusal =
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_initial' | 'not_authorised' | 'expired' | 'exceeds_remaining'; parent: TransactionRecord };

/**
 * Whether `shipment` may be debited against `parent` (as read under the caller's lock) at `now`:
 * an initial authorisation of the same merchant, AUTHORISED, not expired, and never beyond its
 * ceiling.
 */
export function decideShipment(
  parent: TransactionRecord | undefined,
  shipment: { merchantId: string; amount: number },
  now: string,
): { ok: true; parent: TransactionRecord } | ShipmentRefusal {
  if (!parent || parent.merchantId !== shipment.merchantId) return { ok: false, reason: 'not_found' };
  if (parent.kind !== 'initial') return { ok: false, reason: 'not_initial', parent };
  if (parent.status !== 'AUTHORISED') return { ok: false, reason: 'not_authorised', parent };
  if (isExpired(parent, now)) return { ok: false, reason: 'expired', parent };
  if (shipment.amount > remainingToShip(parent, now)) return { ok: false, reason: 'exceeds_remaining', parent };
  return { ok: true, parent };
}

/**
 * A request sent under an idempotency key that already holds a movement: the same request (the
 * same fingerprint) is a replay and gets that movement back; any other is refused.
 */
export function isReplayOf(held: { requestHash: string | null }, requestHash: string): boolean {
  return held.requestHash === requestHash;
}
