import { formatMoney } from '../money/amount.js';
import { COLUMN_GAP, cellText, fit, layoutColumns } from './model/columns.js';
import { helpText } from './model/keys-help.js';
import { emptyTableText, screenLayout } from './model/screen-layout.js';
import type { DashboardState } from './model/state.js';
import { shownStatus, statusColor } from './model/status.js';
import { chartText, countsText, viewText } from './model/summary-text.js';

/**
 * The dashboard's list screen as terminal text, without Ink or React: what `esipay tui` paints
 * as soon as a merchant's first rows are read (a few tens of milliseconds), while Ink and React
 * load (most of a second on a small machine). It is App.tsx's screen for the list mode, from the
 * same model functions and the same geometry (screen-layout.ts), styled as Ink styles it, so
 * Ink's first frame redraws the same screen; a test holds the two equal line for line
 * (test/tui/first-frame.test.tsx). Only the list mode is painted this way: the picker and the
 * overlays wait for Ink.
 */
export function firstFrameLines(state: DashboardState, columns: number, rows: number, now: Date): Line[] {
  const { width, total, summaryLines, tableHeight } = screenLayout(columns, rows, state);
  const lines: Line[] = [...headerLines(state), ...(summaryLines > 0 ? summary(state, width, now) : [])];
  const layout = layoutColumns(width, state.entries, state.sort);
  lines.push([[fit(layout.columns.map((c) => fit(c.title, c.width, c.align)).join(COLUMN_GAP), width), { bold: true, underline: true }]]);
  const visible = state.entries.slice(state.top, state.top + tableHeight);
  if (visible.length === 0) lines.push([[fit(emptyTableText(state), width), { dim: true }]]);
  visible.forEach((entry, i) => {
    const selected = state.top + i === state.selected;
    let used = 0;
    const cells: Line = layout.columns.map((c, k): Segment => {
      const text = (k > 0 ? COLUMN_GAP : '') + fit(cellText(entry, c.key, layout), c.width, c.align);
      const room = Math.max(0, width - used);
      used += text.length;
      const shown = text.length > room ? fit(text, room) : text;
      const inverse = selected ? { inverse: true as const } : {};
      if (c.key === 'status') return [shown, { ...inverse, color: statusColor(shownStatus(entry.tx)) }];
      if (c.key === 'remaining') return [shown, { ...inverse, bold: true }];
      if (entry.depth > 0 && c.key === 'id' && !selected) return [shown, { dim: true }];
      return [shown, inverse];
    });
    lines.push(cells);
  });
  // The table's box is its title and tableHeight rows, whatever is shown; then the message line
  // (empty) and the keys of the list.
  while (lines.length < total - 2) lines.push([]);
  lines.push([], [[helpText('list', Boolean(state.detail), width), { dim: true }]]);
  return lines.slice(0, total).map((l) => truncateEnd(l, width));
}

/** The screen as one write: from the top left of a cleared screen, each line styled unless colours are off. */
export function firstFrameText(lines: readonly Line[], colors: boolean): string {
  return CLEAR_SCREEN + lines.map((l) => l.map(([text, style]) => paint(text, style, colors)).join('')).join('\r\n');
}

/** Cursor to the top left, then the screen cleared: where Ink's first frame starts too. */
export const CLEAR_SCREEN = '\x1b[H\x1b[2J';

/** Ink's colour names that the dashboard uses. */
export type Color = 'green' | 'yellow' | 'gray' | 'red' | 'cyan';
export interface Style {
  bold?: true;
  dim?: true;
  underline?: true;
  inverse?: true;
  color?: Color;
}
export type Segment = readonly [text: string, style?: Style];
/** One line of the screen: its pieces of text, each with its style. */
export type Line = readonly Segment[];

/** The line's text without styles, as a test compares it with Ink's frame. */
export const plainText = (line: Line): string => line.map(([text]) => text).join('');

function headerLines(state: DashboardState): Line[] {
  const { merchant, totals } = state;
  const who: Line = [
    ['esipay', { bold: true }],
    [' · '],
    ...(merchant ? ([[merchant.name, { bold: true }], [` ${merchant.uuid}`]] as const) : ([['no merchant']] as const)),
    [' · '],
    [state.engine, { dim: true }],
  ];
  const currency = totals?.currency ?? merchant?.currency ?? 'EUR';
  const money = (minor: bigint): Segment => [formatMoney(minor, currency), { bold: true }];
  const live = state.polledAt ? `live ${state.polledAt.slice(11, 19)}Z` : 'live';
  const sums: Line = [
    ...(totals
      ? ([
          ['paid '],
          money(BigInt(totals.paid)),
          ['  refunded '],
          money(BigInt(totals.refunded)),
          ['  net '],
          money(BigInt(totals.paid) - BigInt(totals.refunded)),
          ['  to ship '],
          money(BigInt(totals.toShip)),
          [`  · ${totals.count.toLocaleString('en-US')} transactions`],
        ] as const)
      : ([['totals…', { dim: true }]] as const)),
    [`  · ${live}`, { dim: true }],
    ...(state.loading ? ([[' · reading…', { dim: true }]] as const) : []),
    ...(state.newAbove > 0
      ? ([
          [
            state.sort === 'amount' ? `  · ${state.newAbove} new (g sorts again)` : `  · ${state.newAbove} new above (g)`,
            { color: 'yellow' },
          ],
        ] as const)
      : []),
  ];
  return [who, sums];
}

function summary(state: DashboardState, width: number, now: Date): Line[] {
  const currency = state.totals?.currency ?? state.merchant?.currency ?? 'EUR';
  const chart = state.summary ? chartText(state.summary, state.range, width, now, currency) : undefined;
  return [
    chart
      ? [
          [chart.paidLabel],
          [chart.paid, { color: 'green' }],
          [chart.paidMax, { dim: true }],
          [chart.refundedLabel],
          [chart.refunded, { color: 'yellow' }],
          [chart.refundedMax, { dim: true }],
        ]
      : [[state.summary ? 'chart: too narrow' : 'chart…', { dim: true }]],
    [
      [viewText(state.range, state.sort, state.sorted, now), { color: 'cyan' }],
      [` · ${countsText(state.summary)}`, { dim: true }],
    ],
  ];
}

/** Ink's wrap="truncate-end": a line longer than the width ends in an ellipsis at the last column. */
function truncateEnd(line: Line, width: number): Line {
  const length = line.reduce((n, [text]) => n + [...text].length, 0);
  if (length <= width) return line;
  const out: Segment[] = [];
  let left = width - 1;
  for (const [text, style] of line) {
    if (left <= 0) break;
    const kept = [...text].slice(0, left);
    left -= kept.length;
    out.push(style ? [kept.join(''), style] : [kept.join('')]);
  }
  const last = out.at(-1)?.[1];
  out.push(last ? ['…', last] : ['…']);
  return out;
}

const SGR: Record<Color, number> = { red: 31, green: 32, yellow: 33, cyan: 36, gray: 90 };

function paint(text: string, style: Style | undefined, colors: boolean): string {
  if (!colors || !style || text === '') return text;
  const on = [
    ...(style.bold ? [1] : []),
    ...(style.dim ? [2] : []),
    ...(style.underline ? [4] : []),
    ...(style.inverse ? [7] : []),
    ...(style.color ? [SGR[style.color]] : []),
  ];
  return on.length === 0 ? text : `\x1b[${on.join(';')}m${text}\x1b[0m`;
}
