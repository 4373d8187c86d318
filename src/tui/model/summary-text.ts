import { formatMoney } from '../../money/amount.js';
import type { SortOrder } from './columns.js';
import type { DashboardSummary } from './dashboard-source.js';
import { daySeries, maxOf, sparkline } from './chart.js';
import { facetsOf } from './facets.js';
import { chartDays, type RangePreset, rangeLabel, rangeOf } from './range.js';

/** The fewest days worth a chart: fewer and the line shows only the numbers. */
const MIN_DAYS = 3;

export interface ChartText {
  paidLabel: string;
  paid: string;
  paidMax: string;
  refundedLabel: string;
  refunded: string;
  refundedMax: string;
  days: number;
}

/**
 * The chart line: a bar per UTC day, oldest on the left and today on the right, of what was paid
 * and what was refunded, each scaled to its own highest day, which is written after it. As many
 * days as the range has (a month for all time) and the width allows. Undefined when not even
 * three days fit.
 */
export function chartText(
  summary: DashboardSummary,
  preset: RangePreset,
  width: number,
  now: Date,
  currency: string,
): ChartText | undefined {
  const full = daySeries(summary, chartDays(preset), now);
  const cur = summary.currency ?? currency;
  const paidMax = `max ${money(maxOf(full.paid), cur)}`;
  const refundedMax = `max ${money(maxOf(full.refunded), cur)}`;
  const paidLabel = `paid/day `;
  const refundedLabel = `  refunded/day `;
  const fixed = paidLabel.length + 1 + paidMax.length + refundedLabel.length + 1 + refundedMax.length;
  const days = Math.min(full.days.length, Math.floor((width - fixed) / 2));
  if (days < Math.min(MIN_DAYS, full.days.length)) return undefined;
  const series = daySeries(summary, days, now);
  return {
    paidLabel,
    paid: sparkline(series.paid),
    paidMax: ` max ${money(maxOf(series.paid), cur)}`,
    refundedLabel,
    refunded: sparkline(series.refunded),
    refundedMax: ` max ${money(maxOf(series.refunded), cur)}`,
    days,
  };
}

/** Grouped decimals without the currency, which the totals line already says. */
function money(minor: number, currency: string): string {
  return formatMoney(minor, currency).slice(0, -(currency.length + 1));
}

/** What the list covers and in what order: "last 7 days (since 04-26) · newest first". */
export function viewText(
  preset: RangePreset,
  sort: SortOrder,
  sorted: { scanned: number; sampled: boolean } | undefined,
  now: Date,
): string {
  const since = rangeOf(preset, now).since;
  const range = since ? `${rangeLabel(preset)} (since ${since.slice(5, 10)})` : rangeLabel(preset);
  const order =
    sort === 'date'
      ? 'newest first'
      : sorted?.sampled
        ? `largest first, of the newest ${sorted.scanned.toLocaleString('en-US')}`
        : 'largest first';
  return `${range} · ${order}`;
}

/** The counts: "counts of the newest 5,000: PAID 4,012 · REFUNDED 40 … card 4,500 · initial 300 …". */
export function countsText(summary: DashboardSummary | undefined): string {
  if (!summary) return 'counting…';
  const n = summary.counted.toLocaleString('en-US');
  const head = summary.sampled ? `counts of the newest ${n}` : `${n} transactions`;
  const facets = facetsOf(summary);
  const part = (facet: 'status' | 'kind') =>
    facets
      .filter((f) => f.facet === facet)
      .map((f) => `${f.value} ${f.count.toLocaleString('en-US')}`)
      .join(' · ');
  const statuses = part('status');
  const kinds = part('kind');
  return [head + (statuses ? ':' : ''), statuses, kinds ? `│ ${kinds}` : ''].filter(Boolean).join(' ');
}
