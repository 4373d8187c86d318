import type { EventView } from '../../domain/events.js';
import type { TransactionView } from '../../domain/types.js';
import type { Engine } from '../../engine/engine.js';
import type { DashboardSource, DashboardSummary, DaySums, PageQuery, TxEvent } from './dashboard-source.js';
import { dayOf, type DateRange } from './range.js';
import { shownStatus } from './status.js';
import type { TxPage } from './tx-window.js';

export interface EngineSourceOptions {
  /** The summary counts at most this many transactions, the newest of the range. */
  sampleRows?: number;
  /** Rows per engine call while counting (the engine's largest page). */
  pageRows?: number;
}

export const DEFAULT_SAMPLE_ROWS = 5000;

/**
 * The DashboardSource the Engine can give today, from its existing calls:
 *
 * - `page` reads `listTransactions` and keeps the rows within the range. Pages come newest first,
 *   so the first row older than `since` ends the list; rows newer than `until` are read and
 *   skipped (the presets never set `until`).
 * - `summary` reads pages of 1,000 (shipments included) from the newest and counts at most the
 *   newest 5,000 transactions of the range, so a million-row merchant costs five reads, not a
 *   scan; the screen then says "counts of the newest 5,000". Refunds count on the day of the
 *   payment they refund: the Engine's lists carry no refund dates.
 * - `events` are the Engine's events of the transaction (listEvents), as one line each.
 */
export function engineSource(engine: Engine, opts: EngineSourceOptions = {}): DashboardSource {
  const sampleRows = opts.sampleRows ?? DEFAULT_SAMPLE_ROWS;
  const pageRows = opts.pageRows ?? 1000;

  const page = async (q: PageQuery): Promise<TxPage> => {
    const read = await engine.listTransactions({
      merchant: q.merchant,
      limit: q.limit,
      ...(q.topLevel ? { topLevel: true } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    return withinRange(read, q.range);
  };

  return {
    page,
    async summary(merchant, range) {
      const counter = new SummaryCounter();
      let cursor: string | undefined;
      for (;;) {
        const read = await page({
          merchant,
          range,
          limit: Math.min(pageRows, sampleRows - counter.counted),
          topLevel: false,
          ...(cursor ? { cursor } : {}),
        });
        for (const tx of read.items) counter.add(tx);
        if (read.next === null) return counter.result(false);
        if (counter.counted >= sampleRows) {
          // A sample only when the range really holds more (the next rows may be older than it).
          const more = await page({ merchant, range, limit: 1, topLevel: false, cursor: read.next });
          return counter.result(more.items.length > 0 || more.next !== null);
        }
        cursor = read.next;
      }
    },
    // The transaction's events (IPNs, link callbacks) and their delivery, newest first; an engine
    // that cannot list them (an older service) leaves the pane to what the transaction says.
    events: async (merchant, tx) => {
      try {
        const page = await engine.listEvents({ merchant, transaction: tx.id, limit: 20 });
        return page.items.map(eventLine);
      } catch {
        return undefined;
      }
    },
  };
}

/** The rows of a page created within `range` (pages are newest first). */
export function withinRange(page: TxPage, range: DateRange): TxPage {
  let items = page.items;
  if (range.until !== undefined) {
    const until = range.until;
    items = items.filter((t) => t.createdAt < until);
  }
  if (range.since !== undefined) {
    const since = range.since;
    const end = items.findIndex((t) => t.createdAt < since);
    if (end >= 0) return { items: items.slice(0, end), next: null };
  }
  return items === page.items ? page : { items, next: page.next };
}

/** Counts transactions as they are read, one at a time: nothing but the counts is kept. */
export class SummaryCounter {
  counted = 0;
  private readonly byStatus: DashboardSummary['byStatus'] = {};
  private readonly byKind: DashboardSummary['byKind'] = {};
  private readonly days = new Map<string, DaySums>();
  private currency: string | undefined;
  private oldest: string | undefined;

  add(tx: TransactionView): void {
    this.counted++;
    const status = shownStatus(tx);
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    this.byKind[tx.kind] = (this.byKind[tx.kind] ?? 0) + 1;
    if (this.oldest === undefined || tx.createdAt < this.oldest) this.oldest = tx.createdAt;
    this.currency ??= tx.currency;
    // What moved money, as the totals count it: card, shipment and link payments that were PAID.
    const paid = tx.kind !== 'initial' && (status === 'PAID' || status === 'PARTIALLY_REFUNDED' || status === 'REFUNDED');
    if (!paid || tx.currency !== this.currency) return;
    const day = dayOf(tx.createdAt);
    const sums = this.days.get(day) ?? { day, paid: 0, refunded: 0 };
    sums.paid += tx.amount;
    sums.refunded += tx.refunded;
    this.days.set(day, sums);
  }

  result(sampled: boolean): DashboardSummary {
    const days = [...this.days.values()].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
    return {
      byStatus: { ...this.byStatus },
      byKind: { ...this.byKind },
      days,
      ...(this.currency ? { currency: this.currency } : {}),
      counted: this.counted,
      sampled,
      ...(sampled && this.oldest ? { oldest: this.oldest } : {}),
    };
  }
}

/** One event as the detail pane shows it: what, where, how its delivery stands. */
export function eventLine(e: EventView): TxEvent {
  const tries = e.attempts === 1 ? '1 attempt' : `${e.attempts} attempts`;
  const state =
    e.status === 'delivered'
      ? `delivered (${tries})`
      : e.status === 'pending'
        ? `pending, ${tries}${e.nextAttemptAt ? `, next ${e.nextAttemptAt}` : ''}`
        : `${e.status} after ${tries}`;
  return {
    at: e.deliveredAt ?? e.createdAt,
    kind: 'callback',
    text: `${e.type} to ${e.url}: ${state}${e.lastError && e.status !== 'delivered' ? `: ${e.lastError}` : ''}`,
    ok: e.status === 'delivered' || e.status === 'pending',
  };
}
