import { DAY_MS } from '../../util/clock.js';
import type { DashboardSummary } from './dashboard-source.js';
import { dayOf, startOfDay } from './range.js';

/** Eight heights: a day's bar is its amount over the highest day's, rounded up (any money shows). */
const BLOCKS = '▁▂▃▄▅▆▇█';
/** A day with nothing: not the lowest bar, which means "a little". */
export const ZERO_DAY = '·';
/** A day the summary does not cover (before the oldest transaction of a sample). */
export const UNKNOWN_DAY = ' ';

export interface DaySeries {
  /** Oldest first, the last one today. */
  days: string[];
  /** Per day, undefined when not known. */
  paid: (number | undefined)[];
  refunded: (number | undefined)[];
}

/** The last `count` UTC days up to `now`, from the summary's sums; unknown before a sample's oldest row. */
export function daySeries(summary: DashboardSummary, count: number, now: Date): DaySeries {
  const byDay = new Map(summary.days.map((d) => [d.day, d]));
  const known = summary.sampled && summary.oldest ? dayOf(summary.oldest) : undefined;
  const today = startOfDay(now);
  const days: string[] = [];
  const paid: (number | undefined)[] = [];
  const refunded: (number | undefined)[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const day = dayOf(new Date(today - i * DAY_MS));
    days.push(day);
    // The oldest sampled day itself is partly counted: shown, as what is known of it.
    const unknown = known !== undefined && day < known;
    const sums = byDay.get(day);
    paid.push(unknown ? undefined : (sums?.paid ?? 0));
    refunded.push(unknown ? undefined : (sums?.refunded ?? 0));
  }
  return { days, paid, refunded };
}

/**
 * One character per value, scaled to the largest: `▁`…`█` for money, `·` for a day with none,
 * a space for a day not known. Readable without colour.
 */
export function sparkline(values: readonly (number | undefined)[]): string {
  const max = values.reduce<number>((m, v) => Math.max(m, v ?? 0), 0);
  return values
    .map((v) => {
      if (v === undefined) return UNKNOWN_DAY;
      if (v <= 0 || max <= 0) return ZERO_DAY;
      // A display scale, not money: the ratio only picks one of eight heights.
      const level = Math.min(BLOCKS.length, Math.ceil((v * BLOCKS.length) / max));
      return BLOCKS[level - 1]!;
    })
    .join('');
}

/** The largest known value (the top of the scale), 0 when none. */
export function maxOf(values: readonly (number | undefined)[]): number {
  return values.reduce<number>((m, v) => Math.max(m, v ?? 0), 0);
}
