import { isEsipayError } from '../../domain/errors.js';
import type { MerchantView, TransactionDetail, TransactionView } from '../../domain/types.js';
import type { MerchantTotals } from '../../store/store.js';
import type { SortOrder } from './columns.js';
import type { DashboardSummary, TxEvent } from './dashboard-source.js';
import type { RangePreset } from './range.js';
import type { Entry } from './tx-window.js';

/** What the dashboard is doing with the keyboard. */
export type Mode =
  | { name: 'list' }
  | { name: 'filter'; text: string }
  | { name: 'amount'; action: 'refund' | 'ship'; tx: TransactionView; text: string; error?: string }
  | { name: 'confirm'; action: 'refund' | 'ship'; tx: TransactionView; amount: number; all: boolean; busy: boolean }
  | { name: 'picker' }
  | { name: 'facets'; selected: number }
  | { name: 'help'; top: number };

export interface Message {
  kind: 'info' | 'error';
  text: string;
  /**
   * The background read that failed, when it is one: its next success clears the message (a
   * service back after a restart), where an operation's outcome stays until the next key.
   */
  from?: 'refresh' | 'totals' | 'summary';
}

export interface PickerState {
  merchants: MerchantView[];
  selected: number;
  next: string | null;
  loading: boolean;
  /** The engine refused or failed the read: the picker says so rather than "no merchants". */
  failed?: boolean;
}

export interface DetailState {
  id: string;
  data?: TransactionDetail;
  /** What the DashboardSource tells of it; undefined while it cannot (every Engine today). */
  events?: TxEvent[];
  error?: string;
}

/** Everything the view needs, as one immutable snapshot (a new object after each change). */
export interface DashboardState {
  engine: string;
  merchant?: MerchantView;
  totals?: MerchantTotals;
  entries: readonly Entry[];
  selected: number;
  top: number;
  viewHeight: number;
  filter?: string;
  /** Rows read by the filter's scan so far. */
  scanned: number;
  /** A read is in flight. */
  loading: boolean;
  /**
   * The last read of the merchant or of its first rows failed (a refused operator token, the
   * service down): the table says so rather than "no transactions yet", which would be a lie.
   */
  readFailed?: boolean;
  hasOlder: boolean;
  hasNewer: boolean;
  /** Transactions that arrived above a window that does not start at the top. */
  newAbove: number;
  detail?: DetailState;
  mode: Mode;
  message?: Message;
  picker?: PickerState;
  /** When the last poll answered (ISO), for the "live" indicator. */
  polledAt?: string;
  /** The date range the list, the counts and the chart cover. */
  range: RangePreset;
  sort: SortOrder;
  /** Largest first: how many rows were read to sort, and whether the range holds more than that. */
  sorted?: { scanned: number; sampled: boolean };
  /** Counts by status and kind and the money per day, over the range. */
  summary?: DashboardSummary;
  /** `G` is reading on to the end of the history: the rows read so far. */
  seeking?: { rows: number };
}

/** One line for the message bar: the engine's message and hint, or what broke. */
export function errorText(e: unknown): string {
  if (isEsipayError(e)) return `${e.message}${e.hint ? ` (${e.hint})` : ''}`;
  return `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
}
