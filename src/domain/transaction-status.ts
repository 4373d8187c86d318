import { DAY_MS } from '../util/clock.js';
import type { TransactionRecord, TxDisplayStatus } from './types.js';

/**
 * What a stored transaction amounts to at a given time: pure functions of the record and "now",
 * shared by the engine's views, the V4 objects and the verifier, so they can never disagree.
 */

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

/** Whether a shipment was made within the guarantee period of its initial transaction. */
export function withinGuarantee(shipment: TransactionRecord, initial: TransactionRecord): boolean {
  return Date.parse(shipment.createdAt) - Date.parse(initial.createdAt) <= GUARANTEE_DAYS * DAY_MS;
}
