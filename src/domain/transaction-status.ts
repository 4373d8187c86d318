import { DAY_MS } from '../util/clock.js';
import { isExpired } from './decisions.js';
import type { TransactionRecord, TxDisplayStatus } from './types.js';

/**
 * How a stored transaction reads at a given time (the money decisions themselves are in
 * decisions.ts): pure functions shared by the engine's views and the V4 objects, so they agree.
 */

/** The card network's payment guarantee covers shipments within 30 days of the order. */
export const GUARANTEE_DAYS = 30;

export function displayStatus(t: TransactionRecord, now: Date): TxDisplayStatus {
  if (t.status === 'PAID' && t.refunded > 0) return t.refunded >= t.amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  if (t.status === 'AUTHORISED' && isExpired(t, now.toISOString())) return 'EXPIRED';
  return t.status;
}

/** Whether a shipment was made within the guarantee period of its initial transaction. */
export function withinGuarantee(shipment: TransactionRecord, initial: TransactionRecord): boolean {
  return Date.parse(shipment.createdAt) - Date.parse(initial.createdAt) <= GUARANTEE_DAYS * DAY_MS;
}
