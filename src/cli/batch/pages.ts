import type { TransactionView } from '../../domain/types.js';
import type { Engine, ListTransactionsInput } from '../../engine/engine.js';

/** The largest page every engine serves (the local engine's cap, so the operator API's too). */
export const EXPORT_PAGE_SIZE = 1000;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/**
 * Every transaction a listing matches, page after page through the Engine's keyset cursor: the
 * local engine reads each page with one indexed query, the remote one with one request to the
 * operator API, and only one page is held at a time (constant memory, whatever the count). The
 * next page is asked for while the caller writes this one out.
 */
export async function* transactionPages(
  engine: Engine,
  q: Omit<ListTransactionsInput, 'cursor' | 'limit'>,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<TransactionView[]> {
  // Settled at once: a prefetch that fails while the caller is still writing is not an unhandled rejection.
  let pending = settle(engine.listTransactions({ ...q, limit: pageSize }));
  for (;;) {
    const page = await pending;
    if (!page.ok) throw page.error;
    const { items, next } = page.value;
    if (next) pending = settle(engine.listTransactions({ ...q, limit: pageSize, cursor: next }));
    if (items.length > 0) yield items;
    if (!next) return;
  }
}
