import type { DashboardState, Mode } from './state.js';

/**
 * The dashboard's geometry for a terminal size and a state: how many lines each part takes. One
 * place for both views of it, the React one (App.tsx) and the first frame painted before Ink
 * loads (first-frame.ts), so the two lay the screen out alike.
 */
export interface ScreenLayout {
  width: number;
  /** Lines drawn: one is left free at the bottom so Ink never has to clear the whole screen. */
  total: number;
  summaryLines: number;
  prompt: number;
  /** A picker or the help covers the table. */
  overlay: boolean;
  detailHeight: number;
  /** Rows of transactions (the table's title line comes on top). */
  tableHeight: number;
}

export const HEADER_LINES = 2;
/** The chart, then what the list covers and the counts (SummaryLines.tsx). */
export const SUMMARY_LINES = 2;
const FOOTER_LINES = 2; // message + help
/** Below this many lines the chart and the counts give their lines to the table. */
const SUMMARY_MIN_TOTAL = 14;

export function screenLayout(columns: number, rows: number, state: DashboardState): ScreenLayout {
  const width = Math.max(20, columns);
  const total = Math.max(8, rows - 1);
  const mode = state.mode;
  const summaryLines = total >= SUMMARY_MIN_TOTAL ? SUMMARY_LINES : 0;
  const prompt = promptHeight(mode, state.filter !== undefined, state.seeking !== undefined);
  const overlay = mode.name === 'picker' || mode.name === 'help' || mode.name === 'facets';
  const detailHeight = state.detail && !overlay ? Math.min(14, Math.floor(total / 2)) : 0;
  const tableHeight = Math.max(1, total - HEADER_LINES - summaryLines - 1 - detailHeight - prompt - FOOTER_LINES);
  return { width, total, summaryLines, prompt, overlay, detailHeight, tableHeight };
}

/** How many lines the prompt of a mode takes (the layout reserves them). */
export function promptHeight(mode: Mode, filtered: boolean, seeking = false): number {
  if (mode.name === 'amount') return mode.error ? 2 : 1;
  if (mode.name === 'filter' || mode.name === 'confirm') return 1;
  return mode.name === 'list' && (filtered || seeking) ? 1 : 0;
}

/**
 * What the table says when it has no row. "no transactions yet" only once the merchant's rows
 * were read: before (the first frame, a slow service) or after a refusal it would say something
 * false about the merchant.
 */
export function emptyTableText(state: DashboardState): string {
  if (state.readFailed && !state.loading)
    return `could not read ${state.merchant ? 'the transactions' : 'the merchant'} (the error is below)`;
  if (state.loading || !state.merchant) return 'reading…';
  if (state.filter !== undefined) return `no transaction matches "${state.filter}"`;
  if (state.range !== 'all') return 'no transactions in this range (d: another range)';
  return 'no transactions yet';
}
