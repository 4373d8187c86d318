import { isRefundable, isExpired } from '../domain/decisions.js';
import { displayStatus } from '../domain/transaction-status.js';
import type { TransactionRecord, TxDisplayStatus } from '../domain/types.js';
import type { MerchantTotals } from '../store/store.js';
import { TX_STATUSES } from '../engine/transaction-filters.js';

/**
 * A merchant's totals recounted from its rows, one at a time, with the domain's own definitions
 * (decisions.ts, displayStatus), not the database's: what `esipay verify` holds the running totals
 * to (rule totals_mismatch). Sums are bigints: exact past 2^53.
 */
export class TotalsRecount {
  private paid = 0n;
  private refunded = 0n;
  private toShip = 0n;
  private count = 0;
  private currency: string | null = null;
  private readonly byStatus = statusCounts();

  /** `now`: the time the totals are read at (AUTHORISED past its expiresAt is EXPIRED). */
  constructor(private readonly now: string) {}

  add(t: TransactionRecord): void {
    this.count++;
    if (this.currency === null || t.currency > this.currency) this.currency = t.currency;
    this.byStatus[displayStatus(t, new Date(this.now))]++;
    if (isRefundable(t)) this.paid += BigInt(t.amount);
    if (t.status === 'PAID') this.refunded += BigInt(t.refunded);
    // As decideShipment reads it: an initial authorisation with no end is not counted (never written so).
    if (t.kind === 'initial' && t.status === 'AUTHORISED' && t.expiresAt !== null && !isExpired(t, this.now)) {
      this.toShip += BigInt(t.amount - t.shipped);
    }
  }

  result(): MerchantTotals {
    return {
      paid: String(this.paid),
      refunded: String(this.refunded),
      toShip: String(this.toShip),
      count: this.count,
      currency: this.currency,
      byStatus: { ...this.byStatus },
    };
  }
}

/** A count for every status a user sees, 0 unless told. */
export function statusCounts(counts: Partial<Record<TxDisplayStatus, number>> = {}): Record<TxDisplayStatus, number> {
  return Object.fromEntries(TX_STATUSES.map((s) => [s, counts[s] ?? 0])) as Record<TxDisplayStatus, number>;
}

/** What differs between the running totals and the recount, one "name stored/recounted" each; empty when equal. */
export function totalsDifferences(stored: MerchantTotals, recounted: MerchantTotals): string[] {
  const out: string[] = [];
  const cmp = (name: string, a: unknown, b: unknown) => {
    if (a !== b) out.push(`${name} ${String(a)} (recounted ${String(b)})`);
  };
  cmp('paid', stored.paid, recounted.paid);
  cmp('refunded', stored.refunded, recounted.refunded);
  cmp('to ship', stored.toShip, recounted.toShip);
  cmp('count', stored.count, recounted.count);
  cmp('currency', stored.currency, recounted.currency);
  for (const s of Object.keys(recounted.byStatus) as TxDisplayStatus[]) cmp(s, stored.byStatus?.[s], recounted.byStatus[s]);
  return out;
}
