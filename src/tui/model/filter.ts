import type { TransactionView } from '../../domain/types.js';
import { formatDecimal, parseDecimal } from '../../money/amount.js';
import { TX_ID } from '../../util/ids.js';
import { shownStatus } from './status.js';
import type { ChunkReader, TxPage } from './tx-window.js';

/**
 * The `/` filter: words, each of which a transaction must match (so `shipment 25` is the
 * shipments of 25.xx). A word is matched as:
 *
 * - `status:refunded`, `kind:card`: that status or kind exactly (what the facets set);
 * - a number (`74`, `74.12`, `1,234.56`): an amount, compared as integers of minor units, never
 *   as floats: `74.12` is exactly 74.12, `74` any amount from 74.00 to 74.99; or a cid/order that
 *   is exactly that number. A number never matches hex inside an id, except a whole short id (8
 *   digits, the id column's last 8 characters) or a longer part of an id;
 * - anything else: a part of the cid/order (any case), of the status as shown (`refunded` is
 *   REFUNDED and PARTIALLY_REFUNDED), the kind or its start (`shipment`, `ship`), or a part of the id of 6 hex
 *   characters or more (the short id on screen is the last 8).
 *
 * A whole transaction id, alone, is looked up directly instead of scanning the history.
 */
export interface TxFilter {
  text: string;
  /** A whole transaction id: looked up directly instead of scanning the history. */
  exactId?: string;
  matches(tx: TransactionView): boolean;
}

type Matcher = (tx: TransactionView) => boolean;

/** A part of an id worth matching: short parts ("74", "ab") would match most ids. */
const ID_PART_MIN = 6;
/** `ship` is shipment, `init` initial; one or two letters would match kinds by accident. */
const KIND_PREFIX_MIN = 3;
const HEX = /^[0-9a-f]+$/;
const AMOUNT = /^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/;

export function parseFilter(raw: string): TxFilter | undefined {
  const text = raw.trim().replace(/\s+/g, ' ');
  if (text === '') return undefined;
  const words = text.toLowerCase().split(' ');
  const matchers = words.map(wordMatcher);
  const only = words.length === 1 ? words[0]! : undefined;
  return {
    text,
    ...(only !== undefined && TX_ID.test(only) ? { exactId: only } : {}),
    matches: (tx) => matchers.every((m) => m(tx)),
  };
}

function wordMatcher(q: string): Matcher {
  const facet = /^(status|kind):(.+)$/.exec(q);
  if (facet) {
    const value = facet[2]!;
    return facet[1] === 'status' ? (tx) => shownStatus(tx).toLowerCase() === value : (tx) => tx.kind === value;
  }
  const idPart: Matcher = HEX.test(q) && q.length >= ID_PART_MIN ? (tx) => tx.id.includes(q) : () => false;
  if (AMOUNT.test(q)) {
    const amount = q.replace(/,/g, '');
    return (tx) => amountMatches(tx, amount) || tx.cid.toLowerCase() === q || idPart(tx);
  }
  const kind: Matcher = q.length >= KIND_PREFIX_MIN ? (tx) => tx.kind.startsWith(q) : (tx) => tx.kind === q;
  return (tx) => tx.cid.toLowerCase().includes(q) || shownStatus(tx).toLowerCase().includes(q) || kind(tx) || idPart(tx);
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
