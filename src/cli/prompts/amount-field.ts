import { currencyExponent } from '../../money/currencies.js';
import { formatDecimal, formatMoney, parseDecimal } from '../../money/amount.js';
import type { TextField } from './text-field.js';

export interface AmountQuestion {
  label: string;
  currency: string;
  /** The most it may be (what remains to ship), in minor units, and what that is. */
  max?: { minor: number; what: string };
}

/** "EUR, up to 2 decimals", "JPY, no decimals": the form the amount is checked against. */
export function currencyHint(currency: string): string {
  const exponent = currencyExponent(currency) ?? 2;
  return `${currency}, ${exponent === 0 ? 'no decimals' : `up to ${exponent} decimal${exponent === 1 ? '' : 's'}`}`;
}

/**
 * An amount in the currency's own decimals, parsed as every amount is (strictly, never through a
 * float), at most `max`. The value is its decimal string, as the engine takes it.
 */
export function amountField(q: AmountQuestion): TextField<string> {
  return {
    label: q.label,
    hint: currencyHint(q.currency),
    max: 40,
    check: (text) => {
      const typed = text.trim();
      if (typed === '') return { ok: false, message: `type the amount in ${q.currency}` };
      const parsed = parseDecimal(typed, q.currency);
      if (!parsed.ok) return { ok: false, message: parsed.message };
      if (q.max && parsed.minor > q.max.minor)
        return {
          ok: false,
          message: `${formatMoney(parsed.minor, q.currency)} is more than the ${formatMoney(q.max.minor, q.currency)} that ${q.max.what}`,
        };
      return { ok: true, value: formatDecimal(parsed.minor, q.currency) };
    },
  };
}
