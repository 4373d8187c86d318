import { DAY_MS } from '../../util/clock.js';

/** A span of creation times, ISO 8601 UTC: `since` inclusive, `until` exclusive; either may be open. */
export interface DateRange {
  since?: string;
  until?: string;
}

/**
 * The date ranges `d` steps through. Days are UTC days, as the dates on screen: "7 days" is
 * today and the six days before it, from 00:00 UTC. Each is open at its end, so new payments
 * always fall inside.
 */
export type RangePreset = 'all' | 'today' | '7d' | '30d';

export const RANGE_PRESETS: readonly RangePreset[] = ['all', 'today', '7d', '30d'];

const DAYS: Record<Exclude<RangePreset, 'all'>, number> = { today: 1, '7d': 7, '30d': 30 };

export function rangeOf(preset: RangePreset, now: Date): DateRange {
  if (preset === 'all') return {};
  return { since: new Date(startOfDay(now) - (DAYS[preset] - 1) * DAY_MS).toISOString() };
}

/** How many days the chart shows for a range: the range's days, or a month for the whole history. */
export function chartDays(preset: RangePreset): number {
  return preset === 'all' ? 30 : DAYS[preset];
}

export function rangeLabel(preset: RangePreset): string {
  switch (preset) {
    case 'all':
      return 'all time';
    case 'today':
      return 'today';
    case '7d':
      return 'last 7 days';
    case '30d':
      return 'last 30 days';
  }
}

/** The preset after (or before) `preset`, going round. */
export function nextPreset(preset: RangePreset, step: 1 | -1): RangePreset {
  const i = RANGE_PRESETS.indexOf(preset);
  return RANGE_PRESETS[(i + step + RANGE_PRESETS.length) % RANGE_PRESETS.length]!;
}

/** Midnight UTC of the day of `at`, in ms. */
export function startOfDay(at: Date): number {
  return Math.floor(at.getTime() / DAY_MS) * DAY_MS;
}

/** `YYYY-MM-DD` of an ISO time or a Date, in UTC. */
export function dayOf(at: string | Date): string {
  return (typeof at === 'string' ? at : at.toISOString()).slice(0, 10);
}
