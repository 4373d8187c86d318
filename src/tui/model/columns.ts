import type { TransactionView } from '../../domain/types.js';
import { formatMoney } from '../../money/amount.js';
import { shownStatus } from './status.js';
import type { Entry } from './tx-window.js';

export type ColumnKey = 'date' | 'id' | 'cid' | 'kind' | 'status' | 'amount' | 'refunded' | 'remaining' | 'card';

/** How the rows are ordered: newest first, or largest amount first. */
export type SortOrder = 'date' | 'amount';

export interface Column {
  key: ColumnKey;
  title: string;
  width: number;
  align: 'left' | 'right';
}

export interface Layout {
  columns: Column[];
  /** Ids cut to their last 8 characters (their random end: the start is the creation time). */
  shortId: boolean;
  /** Dates without year and seconds (`MM-DD HH:MM`). */
  shortDate: boolean;
}

/**
 * Which columns a terminal of a given width gets. Each column is added, in this order, when it
 * still fits at its narrowest; so as the terminal narrows they go in the reverse order:
 *
 *   1. remaining, amount, status: always (the number to act on, what it is out of, and why)
 *   2. id (its last 8 characters), to tell rows apart and to find one with the filter
 *   3. date (`MM-DD HH:MM`)
 *   4. kind
 *   5. refunded (amount − remaining for most rows)
 *   6. cid/order (6 characters at least)
 *   7. card (first 6 … last 4)
 *
 * Then, while room is left, in this order: the full date with year and seconds, the full id, and
 * a wider cid/order (up to 32). At 60 columns that leaves id, kind, status, amount, remaining; at
 * 80 date, id, cid/order, kind, status, amount, remaining; at 120 everything but the full id; at
 * 160 everything. The screen order is fixed (date, id, cid/order, kind, status, amount, refunded,
 * remaining, card) whatever is shown.
 */
export const COLUMN_PRIORITY: readonly ColumnKey[] = ['remaining', 'amount', 'status', 'id', 'date', 'kind', 'refunded', 'cid', 'card'];

const SCREEN_ORDER: readonly ColumnKey[] = ['date', 'id', 'cid', 'kind', 'status', 'amount', 'refunded', 'remaining', 'card'];

const GAP = 1;
const SHIPMENT_INDENT = '└ ';
const SHORT_ID = 8;
const FULL_ID = 32;
const SHORT_DATE = 11;
const FULL_DATE = 19;
const CID_MIN = 6;
const CID_MAX = 32;
const CARD = 11; // 411111…1111
const AMOUNT_MIN = 10;
/** PARTIALLY_REFUNDED, the longest status. */
const STATUS = 18;

/**
 * Fits the table to `width` terminal columns (see COLUMN_PRIORITY). Amount columns are as wide as
 * the widest amount loaded, so they do not jitter while scrolling. The column the rows are sorted
 * by says so with an arrow in its title.
 */
export function layoutColumns(width: number, entries: readonly Entry[], sort: SortOrder = 'date'): Layout {
  const money = moneyWidths(entries);
  const narrowest: Record<ColumnKey, number> = {
    date: SHORT_DATE,
    id: SHORT_ID + SHIPMENT_INDENT.length,
    cid: CID_MIN,
    kind: 8,
    status: STATUS,
    amount: money.amount,
    refunded: money.refunded,
    remaining: money.remaining,
    card: CARD,
  };
  const shown = new Map<ColumnKey, number>();
  let used = -GAP;
  for (const key of COLUMN_PRIORITY) {
    const w = narrowest[key];
    const mandatory = key === 'remaining' || key === 'amount' || key === 'status';
    if (mandatory || used + GAP + w <= width) {
      shown.set(key, w);
      used += GAP + w;
    }
  }
  const widen = (key: ColumnKey, to: number) => {
    const w = shown.get(key);
    if (w === undefined) return;
    const grown = Math.min(to, w + Math.max(0, width - used));
    if (grown === to || key === 'cid') {
      shown.set(key, grown);
      used += grown - w;
    }
  };
  widen('date', FULL_DATE);
  widen('id', FULL_ID + SHIPMENT_INDENT.length);
  widen('cid', CID_MAX);
  const shortDate = shown.get('date') !== FULL_DATE;
  const shortId = shown.get('id') !== FULL_ID + SHIPMENT_INDENT.length;
  const columns = SCREEN_ORDER.flatMap((key): Column[] => {
    const w = shown.get(key);
    if (w === undefined) return [];
    return [{ key, title: titleOf(key, sort, shortDate), width: w, align: isMoney(key) ? 'right' : 'left' }];
  });
  return { columns, shortId, shortDate };
}

function isMoney(key: ColumnKey): boolean {
  return key === 'amount' || key === 'refunded' || key === 'remaining';
}

function titleOf(key: ColumnKey, sort: SortOrder, shortDate: boolean): string {
  switch (key) {
    case 'date':
      return (shortDate ? 'date UTC' : 'date (UTC)') + (sort === 'date' ? ' ↓' : '');
    case 'cid':
      return 'cid/order';
    case 'amount':
      return sort === 'amount' ? 'amount ↓' : 'amount';
    default:
      return key;
  }
}

function moneyWidths(entries: readonly Entry[]): { amount: number; refunded: number; remaining: number } {
  let amount = AMOUNT_MIN;
  let refunded = AMOUNT_MIN;
  let remaining = AMOUNT_MIN;
  for (const { tx } of entries) {
    amount = Math.max(amount, formatMoney(tx.amount, tx.currency).length);
    refunded = Math.max(refunded, formatMoney(tx.refunded, tx.currency).length);
    remaining = Math.max(remaining, formatMoney(tx.remaining, tx.currency).length);
  }
  return { amount, refunded, remaining };
}

/** The text of each cell of a row, before padding. */
export function cellText(entry: Entry, key: ColumnKey, layout: Layout): string {
  const tx = entry.tx;
  switch (key) {
    case 'date':
      return layout.shortDate ? tx.createdAt.slice(5, 16).replace('T', ' ') : tx.createdAt.slice(0, 19).replace('T', ' ');
    case 'id': {
      const id = shortId(tx, layout.shortId);
      return entry.depth > 0 ? SHIPMENT_INDENT + id : id;
    }
    case 'cid':
      return tx.cid;
    case 'kind':
      return tx.kind;
    case 'status':
      return shownStatus(tx);
    case 'amount':
      return formatMoney(tx.amount, tx.currency);
    case 'refunded':
      // An initial authorisation is never refunded: its shipments are, on their own rows.
      return tx.kind === 'initial' ? '–' : formatMoney(tx.refunded, tx.currency);
    case 'remaining':
      return formatMoney(tx.remaining, tx.currency);
    case 'card':
      return tx.card ? `${tx.card.first6}…${tx.card.last4}` : '';
  }
}

/** The id as the table shows it: whole, or its last 8 characters (ids begin with their creation time). */
export function shortId(tx: TransactionView, short = true): string {
  return short ? tx.id.slice(-SHORT_ID) : tx.id;
}

/** Pads or cuts a cell to exactly `width` characters (an ellipsis marks a cut). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : text.slice(0, width - 1) + '…';
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

export const COLUMN_GAP = ' '.repeat(GAP);

/** What `r` may act on: a payment with something left to refund. */
export function refundable(tx: TransactionView): boolean {
  return tx.kind !== 'initial' && tx.remaining > 0;
}

/** What `s` may act on: an initial authorisation with something left to ship. */
export function shippable(tx: TransactionView): boolean {
  return tx.kind === 'initial' && tx.remaining > 0;
}
