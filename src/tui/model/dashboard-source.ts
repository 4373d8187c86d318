import type { TransactionView, TxKind } from '../../domain/types.js';
import type { DateRange } from './range.js';
import type { ShownStatus } from './status.js';
import type { TxPage } from './tx-window.js';

export type { DateRange } from './range.js';

/**
 * What the dashboard reads beyond the Engine's own calls: a date range on the list, counts by
 * status and kind, money per day, and a transaction's events. The Engine gives none of these yet;
 * `engineSource` (engine-source.ts) computes them from its existing calls, bounded; a store-backed
 * source can answer them with queries instead. The controller takes one (ControllerOptions.source).
 *
 * Amounts are integers of minor units; times ISO 8601 UTC; days `YYYY-MM-DD` in UTC.
 */
export interface DashboardSource {
  /** One page of a merchant's transactions created within `range`, newest first (keyset cursors). */
  page(q: PageQuery): Promise<TxPage>;

  /**
   * Counts by status (as the dashboard shows them) and by kind, and the money paid and refunded
   * per day, over the merchant's transactions within `range`, shipments included. A source may
   * count only the newest transactions of a big range: it then says so (`sampled`).
   */
  summary(merchant: string, range: DateRange): Promise<DashboardSummary>;

  /**
   * What happened to a transaction, oldest first: callbacks delivered or failed (a link's
   * url_callback, a V4 IPN), refunds, shipments. `undefined` when the source cannot tell, which is
   * the case of every Engine today: the detail pane then shows what the transaction itself says.
   */
  events(merchant: string, tx: TransactionView): Promise<TxEvent[] | undefined>;
}

export interface PageQuery {
  merchant: string;
  range: DateRange;
  limit: number;
  cursor?: string;
  /** Without shipments (they are read under their initial authorisation). */
  topLevel: boolean;
}

export interface DashboardSummary {
  byStatus: Partial<Record<ShownStatus, number>>;
  byKind: Partial<Record<TxKind, number>>;
  /**
   * The days that had transactions, newest first. `paid`: what card, shipment and link payments
   * took (PAID, refunded or not, as the totals count it); `refunded`: what was refunded of them.
   */
  days: DaySums[];
  /** The currency of the sums (a merchant's transactions are all in its currency). */
  currency?: string;
  /** How many transactions were counted. */
  counted: number;
  /** The range holds more than were counted: the counts are of the newest `counted` only. */
  sampled: boolean;
  /** When sampled, the creation time of the oldest counted: days before it are not known. */
  oldest?: string;
}

export interface DaySums {
  day: string;
  paid: number;
  refunded: number;
}

export interface TxEvent {
  at: string;
  /** What it is about: `callback` lines also give the detail pane's callback outcome. */
  kind: 'callback' | 'refund' | 'shipment' | 'other';
  /** One line, as shown: "link.paid to https://… HTTP 200". */
  text: string;
  /** False for a failure (shown in red). */
  ok: boolean;
}
