import type { TxDisplayStatus } from '../../domain/types.js';
import type { MerchantTotals } from '../store.js';
import type { Row } from './rows.js';
import { DAY_MS } from '../../util/clock.js';

/**
 * A merchant's totals, one query for both adapters, over the running totals the triggers of
 * migration 10 keep (totals-migration.ts) rather than over the merchant's history: the same
 * definitions as domain/decisions.ts and displayStatus (paid on the refundable kinds; to ship on
 * AUTHORISED initial authorisations whose expiresAt is after `now`; AUTHORISED past its expiresAt
 * is EXPIRED).
 *
 * Only what depends on `now` is not a running sum: the authorisations ending after today are
 * summed by the day they end (at most one row per day an authorisation lasts, per slot), and
 * those ending today are read from the rows, on the partial index of AUTHORISED rows by
 * (merchant_id, expires_at): a day's worth of rows at most. One statement, so one snapshot on
 * PostgreSQL. Only the placeholders differ between the adapters, so each passes its own.
 */
export function merchantTotalsSql(p: { merchantId: string; now: string; today: string; tomorrow: string }): string {
  const sum = (c: string) => `COALESCE(SUM(${c}), 0)`;
  const later = `FROM merchant_expiry_totals WHERE merchant_id = ${p.merchantId} AND expires_day > ${p.today}`;
  const today = `FROM transactions WHERE merchant_id = ${p.merchantId} AND status = 'AUTHORISED' AND expires_at > ${p.now} AND expires_at < ${p.tomorrow}`;
  return `SELECT
     CAST(${sum('paid')} AS TEXT) AS paid,
     CAST(${sum('refunded')} AS TEXT) AS refunded,
     ${COUNTS.map((c) => `${sum(c)} AS ${c}`).join(', ')},
     MAX(currency) AS currency,
     (SELECT CAST(${sum('to_ship')} AS TEXT) ${later}) AS to_ship_later,
     (SELECT ${sum('n_authorised')} ${later}) AS authorised_later,
     (SELECT CAST(${sum(`CASE WHEN kind = 'initial' THEN amount - shipped ELSE 0 END`)} AS TEXT) ${today}) AS to_ship_today,
     (SELECT COUNT(*) ${today}) AS authorised_today
   FROM merchant_totals WHERE merchant_id = ${p.merchantId}`;
}

const COUNTS = [
  'count',
  'n_pending',
  'n_paid',
  'n_partially_refunded',
  'n_refunded',
  'n_authorised',
  'n_authorised_ending',
  'n_declined',
  'n_failed',
  'n_cancelled',
] as const;

/** The values of merchantTotalsSql's placeholders besides the merchant: now, its UTC day and the next. */
export function totalsTimes(now: string): { now: string; today: string; tomorrow: string } {
  const at = new Date(now).getTime();
  if (Number.isNaN(at)) throw new RangeError(`merchantTotals: now is not an ISO time: ${now}`);
  return { now, today: now.slice(0, 10), tomorrow: new Date(at + DAY_MS).toISOString().slice(0, 10) };
}

export function merchantTotalsFromRow(r: Row): MerchantTotals {
  const n = (c: string) => Number(r[c]);
  const expired = n('n_authorised_ending') - n('authorised_later') - n('authorised_today');
  const byStatus: Record<TxDisplayStatus, number> = {
    PENDING: n('n_pending'),
    PAID: n('n_paid') - n('n_partially_refunded') - n('n_refunded'),
    PARTIALLY_REFUNDED: n('n_partially_refunded'),
    REFUNDED: n('n_refunded'),
    AUTHORISED: n('n_authorised') - expired,
    EXPIRED: expired,
    DECLINED: n('n_declined'),
    FAILED: n('n_failed'),
    CANCELLED: n('n_cancelled'),
  };
  return {
    // Sums come as text (CAST … AS TEXT): exact digits from either database, past 2^53 (SQLite's
    // integers are exact 64-bit ones, a CHECK refuses more; PostgreSQL's sums are NUMERIC).
    paid: minorSum(r.paid),
    refunded: minorSum(r.refunded),
    toShip: String(BigInt(minorSum(r.to_ship_later)) + BigInt(minorSum(r.to_ship_today))),
    count: n('count'),
    currency: r.currency === null || r.currency === undefined ? null : String(r.currency),
    byStatus,
  };
}

function minorSum(v: unknown): string {
  const text = String(v);
  if (!/^-?\d+$/.test(text)) throw new RangeError(`not a sum of minor units: ${text}`);
  return text;
}
