import type { TransactionView } from '../../domain/types.js';
import type { TxFilter } from './filter.js';
import type { ChunkReader } from './tx-window.js';

export interface SortedReaderOptions {
  /** Reads one page of the history (newest first) from a cursor, `limit` rows. */
  readPage: (cursor: string | undefined, limit: number) => Promise<{ items: TransactionView[]; next: string | null }>;
  filter?: TxFilter;
  /** Rows sorted at most: the newest of the history (or of the range). */
  sampleRows: number;
  /** Rows per read while collecting them. */
  pageRows: number;
  /** Rows per chunk handed to the window. */
  chunkRows: number;
  /** Told once the rows are sorted: how many were read, and whether the history holds more. */
  onSorted?: (scanned: number, sampled: boolean) => void;
}

/**
 * Largest amount first. The Engine lists by date only, so this reads the newest `sampleRows`
 * transactions (matching the filter, within the range the reader covers), sorts them by amount
 * (then newest first), and hands them to the window a chunk at a time; the cursor is the offset.
 * The sorted rows are kept for as long as the sort is in force: bounded by `sampleRows`. Reading
 * the first chunk again (a restart, `g` after new payments) reads and sorts again.
 */
export function amountSortedReader(opts: SortedReaderOptions): ChunkReader {
  let sorted: TransactionView[] = [];
  return async (cursor) => {
    if (cursor === undefined) {
      sorted = await collect(opts);
      sorted.sort((a, b) => b.amount - a.amount || (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    }
    const from = cursor === undefined ? 0 : Number(cursor.slice(OFFSET.length));
    const to = from + opts.chunkRows;
    return { items: sorted.slice(from, to), next: to < sorted.length ? `${OFFSET}${to}` : null };
  };
}

const OFFSET = 'offset:';

async function collect(opts: SortedReaderOptions): Promise<TransactionView[]> {
  const rows: TransactionView[] = [];
  let cursor: string | undefined;
  let read = 0;
  for (;;) {
    const page = await opts.readPage(cursor, Math.min(opts.pageRows, opts.sampleRows - read));
    read += page.items.length;
    for (const tx of page.items) if (!opts.filter || opts.filter.matches(tx)) rows.push(tx);
    if (page.next === null || read >= opts.sampleRows) {
      opts.onSorted?.(read, page.next !== null);
      return rows;
    }
    cursor = page.next;
  }
}
