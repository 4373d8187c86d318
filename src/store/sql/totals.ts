import { REFUNDABLE_KINDS } from '../../domain/decisions.js';
import type { MerchantTotals } from '../store.js';
import type { Row } from './rows.js';

/**
 * A merchant's totals, one aggregate query for both adapters: the same definitions as
 * domain/decisions.ts (paid on the refundable kinds, to ship on AUTHORISED initial authorisations
 * whose expiresAt is after `now`), summed by the database rather than row by row. Only the placeholders
 * differ between the adapters, so each passes its own.
 */
export function merchantTotalsSql(placeholders: { merchantId: string; now: string }): string {
  const kinds = REFUNDABLE_KINDS.map((k) => `'${k}'`).join(', ');
  return `SELECT
     CAST(COALESCE(SUM(CASE WHEN status = 'PAID' AND kind IN (${kinds}) THEN amount END), 0) AS TEXT) AS paid,
     CAST(COALESCE(SUM(CASE WHEN status = 'PAID' THEN refunded END), 0) AS TEXT) AS refunded,
     CAST(COALESCE(SUM(CASE WHEN status = 'AUTHORISED' AND kind = 'initial' AND expires_at > ${placeholders.now} THEN amount - shipped END), 0) AS TEXT) AS to_ship,
     COUNT(*) AS count,
     MAX(currency) AS currency
   FROM transactions WHERE merchant_id = ${placeholders.merchantId}`;
}

export function merchantTotalsFromRow(r: Row): MerchantTotals {
  return {
    // Sums come as text (CAST … AS TEXT): exact digits from either database, past 2^53 (SQLite's
    // SUM is an exact 64-bit integer and fails rather than round; PostgreSQL's is a numeric).
    paid: minorSum(r.paid),
    refunded: minorSum(r.refunded),
    toShip: minorSum(r.to_ship),
    count: Number(r.count),
    currency: r.currency === null ? null : String(r.currency),
  };
}

function minorSum(v: unknown): string {
  const text = String(v);
  if (!/^-?\d+$/.test(text)) throw new RangeError(`not a sum of minor units: ${text}`);
  return text;
}
