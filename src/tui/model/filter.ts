import type { TransactionView } from '../../domain/types.js';
import { formatDecimal, parseDecimal } from '../../money/amount.js';
import { TX_ID } from '../../util/ids.js';
import type { ChunkReader, TxPage } from './tx-window.js';

/**
 * The `/` filter. One text matched against a transaction's id, cid, status and kind (parts,
 * case-insensitive) and its amount: "74.12" matches exactly that amount, "74" any amount of 74
 * whole units. Amounts are compared as integers of minor units, never as floats.
 */
export interface TxFilter {
  text: string;
  /** A whole transaction id: looked up directly instead of scanning the history. */
  exactId?: string;
  matches(tx: TransactionView): boolean;
}

export function parseFilter(raw: string): TxFilter | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const q = text.toLowerCase();
  const amount = /^\d+(\.\d+)?$/.test(q) ? q : undefined;
  return {
    text,
    ...(TX_ID.test(q) ? { exactId: q } : {}),
    matches: (tx) =>
      tx.id.includes(q) ||
      tx.cid.toLowerCase().includes(q) ||
      tx.status.toLowerCase().includes(q) ||
      tx.kind === q ||
      (amount !== undefined && amountMatches(tx, amount)),
  };
}

function amountMatches(tx: TransactionView, q: string): boolean {
  if (q.includes('.')) {
    const parsed = parseDecimal(q, tx.currency);
    return parsed.ok && parsed.minor === tx.amount;
  }
  const whole = formatDecimal(tx.amount, tx.currency).split('.')[0];
  return whole === q.replace(/^0+(?=\d)/, '');
}

export interface ScanOptions {
  /** Stop a chunk once it holds this many matches. */
  want: number;
  /** …or once it has read this many rows, so the screen stays responsive on a rare match. */
  budget: number;
  /** Told how many rows each read covered (for a "scanned N" indicator). */
  onScanned?: (rows: number) => void;
}

/**
 * A chunk reader that reads pages of the unfiltered history and keeps the matches. A chunk ends
 * after `want` matches or `budget` rows, at a page boundary, so reading it again from the same
 * cursor gives the same chunk (the window relies on that to scroll back up).
 */
export function scanningReader(readPage: ChunkReader, filter: TxFilter, opts: ScanOptions): ChunkReader {
  return async (cursor) => {
    const items: TransactionView[] = [];
    let next: string | null | undefined = cursor;
    let scanned = 0;
    let first = true;
    while ((first || next != null) && items.length < opts.want && scanned < opts.budget) {
      first = false;
      const page: TxPage = await readPage(next ?? undefined);
      scanned += page.items.length;
      opts.onScanned?.(page.items.length);
      for (const tx of page.items) if (filter.matches(tx)) items.push(tx);
      next = page.next;
    }
    return { items, next: next ?? null };
  };
}
