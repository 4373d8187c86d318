import type { LinkMode } from '../../../domain/types.js';
import { DAY_MS } from '../../../util/clock.js';
import type { PlannedDebit } from '../../links-types.js';

/**
 * What a link debits, and when. The rules (docs/links.md, "Modes"):
 * - pay_now: the whole amount at payment.
 * - multi_pay: N monthly instalments, N from payment_scenario "2x".."12x" (default 3x). The first
 *   is debited at payment, instalment k (1-based) k-1 calendar months later, same day of the
 *   month or the month's last day when it is shorter. Amounts split in minor units, the
 *   remainder on the first instalment: 10000 in 3 → 3334, 3333, 3333.
 * - pay_later: the card is verified at payment and the whole amount debited D days later, D from
 *   payment_scenario "1d".."90d" (default 30d).
 */
export interface SchedulePlan {
  mode: LinkMode;
  /** multi_pay: the number of instalments. */
  instalments: number;
  /** pay_later: days between payment and debit. */
  delayDays: number;
}

export const DEFAULT_INSTALMENTS = 3;
export const MAX_INSTALMENTS = 12;
export const DEFAULT_DELAY_DAYS = 30;
export const MAX_DELAY_DAYS = 90;

/** The plan of a mode and its payment_scenario, or undefined when the scenario does not fit the mode. */
export function planOf(mode: LinkMode, scenario: string | undefined): SchedulePlan | undefined {
  if (mode === 'pay_now') return scenario === undefined ? { mode, instalments: 1, delayDays: 0 } : undefined;
  if (mode === 'multi_pay') {
    if (scenario === undefined) return { mode, instalments: DEFAULT_INSTALMENTS, delayDays: 0 };
    const m = /^(\d{1,2})x$/i.exec(scenario);
    const n = m ? Number(m[1]) : NaN;
    return n >= 2 && n <= MAX_INSTALMENTS ? { mode, instalments: n, delayDays: 0 } : undefined;
  }
  if (scenario === undefined) return { mode, instalments: 1, delayDays: DEFAULT_DELAY_DAYS };
  const m = /^(\d{1,2})d$/i.exec(scenario);
  const d = m ? Number(m[1]) : NaN;
  return d >= 1 && d <= MAX_DELAY_DAYS ? { mode, instalments: 1, delayDays: d } : undefined;
}

/** Splits an integer amount in `count` parts differing by at most 1, the larger ones first. */
export function splitAmount(amount: number, count: number): number[] {
  if (!Number.isSafeInteger(amount) || !Number.isInteger(count) || count < 1 || amount < count) {
    throw new RangeError(`cannot split ${amount} in ${count} positive parts`);
  }
  const base = Math.floor(amount / count);
  const remainder = amount - base * count;
  return Array.from({ length: count }, (_, i) => (i === 0 ? base + remainder : base));
}

/** The debits of a link paid at `at`. */
export function scheduleOf(plan: SchedulePlan, amount: number, at: Date): PlannedDebit[] {
  if (plan.mode === 'pay_now') return [{ seq: 1, amount, dueAt: at.toISOString(), atPayment: true }];
  if (plan.mode === 'pay_later') {
    return [{ seq: 1, amount, dueAt: new Date(at.getTime() + plan.delayDays * DAY_MS).toISOString(), atPayment: false }];
  }
  return splitAmount(amount, plan.instalments).map((part, i) => ({
    seq: i + 1,
    amount: part,
    dueAt: addMonths(at, i).toISOString(),
    atPayment: i === 0,
  }));
}

/** The same time `months` calendar months later, on the same day or the last day of a shorter month (UTC). */
export function addMonths(at: Date, months: number): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = new Date(at.getTime());
  d.setUTCFullYear(y, m, Math.min(at.getUTCDate(), lastDay));
  return d;
}
