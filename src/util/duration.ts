import { invalid } from '../domain/errors.js';

/** Milliseconds of each unit a duration may use: weeks, days, hours, minutes, seconds. */
const UNIT_MS: Readonly<Record<string, number>> = {
  w: 7 * 24 * 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  h: 60 * 60 * 1000,
  m: 60 * 1000,
  s: 1000,
};

/** A clock is moved by a century at most: further than any expiry or schedule, and far from Date's limits. */
export const MAX_DURATION_MS = 36_500 * UNIT_MS.d!;

/**
 * "30d", "12h", "90m", "1w", "1d12h": whole numbers each followed by its unit, largest first or
 * not, no sign (a clock moved by a duration only goes forward). Months and years are not units:
 * their length depends on where they start, so "31d" says what is meant.
 */
export function parseDuration(text: unknown): number {
  const shown = typeof text === 'string' ? `"${text.slice(0, 40)}"` : 'the duration';
  const hint = 'use whole numbers with w, d, h, m or s, e.g. 30d, 12h, 90m, 1w or 1d12h';
  if (typeof text !== 'string' || !/^(\d{1,6}[wdhms])+$/.test(text.trim()))
    throw invalid('invalid_duration', `${shown} is not a duration`, hint);
  let ms = 0;
  for (const [, n, unit] of text.trim().matchAll(/(\d+)([wdhms])/g)) ms += Number(n) * UNIT_MS[unit!]!;
  if (ms === 0) throw invalid('invalid_duration', `${shown} is no time at all`, hint);
  if (ms > MAX_DURATION_MS) throw invalid('invalid_duration', `${shown} is more than a century`, hint);
  return ms;
}

/** An offset as people read it: "+181d", "-2h30m", "+1d5s"; to the second, "0" for less. */
export function formatDuration(ms: number): string {
  let rest = Math.round(Math.abs(ms) / 1000) * 1000;
  if (rest === 0) return '0';
  let text = '';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const n = Math.floor(rest / UNIT_MS[unit]!);
    rest -= n * UNIT_MS[unit]!;
    if (n > 0) text += `${n}${unit}`;
  }
  return `${ms < 0 ? '-' : '+'}${text}`;
}
