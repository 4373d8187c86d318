import type { TransactionView } from '../../src/domain/types.js';
import type { TxPage } from '../../src/tui/model/tx-window.js';

/** A transaction view for tests: a PAID card payment unless told otherwise. */
export function tx(n: number, extra: Partial<TransactionView> = {}): TransactionView {
  const amount = extra.amount ?? 1000 + n;
  return {
    id: n.toString(16).padStart(32, '0'),
    merchant: 'm',
    cid: `order-${n}`,
    kind: 'card',
    status: 'PAID',
    amount,
    currency: 'EUR',
    refunded: 0,
    remaining: amount,
    card: { first6: '411111', last4: '1111', brand: 'visa' },
    createdAt: new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString(),
    ...extra,
  };
}

/**
 * A merchant's history in memory, newest first, paged like the engine: the cursor is the last
 * row's keyset (here its id), so new rows arriving on top do not move older pages.
 */
export class FakeHistory {
  /** Newest first. */
  rows: TransactionView[];
  reads = 0;

  constructor(count: number) {
    this.rows = Array.from({ length: count }, (_, i) => tx(count - i));
  }

  arrive(...items: TransactionView[]): void {
    this.rows = [...items, ...this.rows];
  }

  page = async (cursor: string | undefined, limit: number): Promise<TxPage> => {
    this.reads++;
    const start = cursor === undefined ? 0 : this.rows.findIndex((t) => t.id === cursor) + 1;
    const items = this.rows.slice(start, start + limit);
    const more = start + limit < this.rows.length;
    return { items, next: more ? items.at(-1)!.id : null };
  };
}
