import type { TransactionView, TxDisplayStatus } from '../../domain/types.js';
import { formatMoney } from '../../money/amount.js';
import type { Entry } from './tx-window.js';

export type ColumnKey = 'date' | 'id' | 'cid' | 'kind' | 'status' | 'amount' | 'refunded' | 'remaining';

export interface Column {
  key: ColumnKey;
  title: string;
  width: number;
  align: 'left' | 'right';
}

export interface Layout {
  columns: Column[];
  /** Ids cut to their first 8 characters (narrow terminals). */
  shortId: boolean;
  /** Dates without year and seconds (narrower terminals). */
  shortDate: boolean;
}

const GAP = 1;
const SHIPMENT_INDENT = '└ ';
const CID_MIN = 6;
const CID_MAX = 24;
const AMOUNT_MIN = 10;

/**
 * Fits the table to `width` terminal columns: full ids and dates when they fit, then 8-character
 * ids, then short dates; the cid column takes what is left. What still does not fit is cut at the
 * right edge by the renderer (truncated, never wrapped). Amount columns are as wide as the widest
 * amount loaded, so they do not jitter while scrolling.
 */
export function layoutColumns(width: number, entries: readonly Entry[]): Layout {
  const money = moneyWidths(entries);
  for (const [shortId, shortDate] of [
    [false, false],
    [true, false],
    [true, true],
  ] as const) {
    const fixed: Column[] = [
      { key: 'date', title: 'date (UTC)', width: shortDate ? 11 : 19, align: 'left' },
      { key: 'id', title: 'id', width: (shortId ? 8 : 32) + SHIPMENT_INDENT.length, align: 'left' },
      { key: 'kind', title: 'kind', width: 8, align: 'left' },
      { key: 'status', title: 'status', width: 18, align: 'left' },
      { key: 'amount', title: 'amount', width: money.amount, align: 'right' },
      { key: 'refunded', title: 'refunded', width: money.refunded, align: 'right' },
      { key: 'remaining', title: 'remaining', width: money.remaining, align: 'right' },
    ];
    const used = fixed.reduce((n, c) => n + c.width + GAP, 0);
    const cid = Math.min(CID_MAX, width - used);
    const last = shortId && shortDate;
    if (cid >= CID_MIN || last) {
      const columns = [
        fixed[0]!,
        fixed[1]!,
        { key: 'cid', title: 'cid/order', width: Math.max(CID_MIN, cid), align: 'left' } as Column,
        ...fixed.slice(2),
      ];
      return { columns, shortId, shortDate };
    }
  }
  throw new Error('unreachable');
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
      // Ids begin with their creation time, so their random end tells rows apart.
      const id = layout.shortId ? tx.id.slice(-8) : tx.id;
      return entry.depth > 0 ? SHIPMENT_INDENT + id : id;
    }
    case 'cid':
      return tx.cid;
    case 'kind':
      return tx.kind;
    case 'status':
      return tx.status;
    case 'amount':
      return formatMoney(tx.amount, tx.currency);
    case 'refunded':
      // An initial authorisation is never refunded: its shipments are, on their own rows.
      return tx.kind === 'initial' ? '–' : formatMoney(tx.refunded, tx.currency);
    case 'remaining':
      return formatMoney(tx.remaining, tx.currency);
  }
}

/** Pads or cuts a cell to exactly `width` characters (an ellipsis marks a cut). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : text.slice(0, width - 1) + '…';
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

export const COLUMN_GAP = ' '.repeat(GAP);

/** The colour of a status: settled green, in between yellow, finished grey, failures red. */
export function statusColor(status: TxDisplayStatus): 'green' | 'yellow' | 'gray' | 'red' {
  switch (status) {
    case 'PAID':
    case 'AUTHORISED':
      return 'green';
    case 'PARTIALLY_REFUNDED':
    case 'PENDING':
      return 'yellow';
    case 'REFUNDED':
    case 'EXPIRED':
      return 'gray';
    case 'DECLINED':
    case 'FAILED':
    case 'CANCELLED':
      return 'red';
  }
}

/** What `r` may act on: a payment with something left to refund. */
export function refundable(tx: TransactionView): boolean {
  return tx.kind !== 'initial' && tx.remaining > 0;
}

/** What `s` may act on: an initial authorisation with something left to ship. */
export function shippable(tx: TransactionView): boolean {
  return tx.kind === 'initial' && tx.remaining > 0;
}
