import { currencyExponent } from './currencies.js';
import { printable as printableText } from '../util/printable.js';

/**
 * Money inside esipay is an integer of minor units plus its ISO 4217 currency.
 * Decimals exist only at the edges: parseDecimal on the way in, formatDecimal on the way out.
 * Parsing works on the digits of the string, never through a float.
 */
export interface Money {
  readonly minor: number;
  readonly currency: string;
}

export type AmountProblem = 'empty' | 'malformed' | 'too_many_decimals' | 'not_positive' | 'too_large' | 'unknown_currency';

export type ParseResult = { ok: true; minor: number } | { ok: false; problem: AmountProblem; message: string };

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Strict decimal parser: digits, optionally one `.` and at most as many decimals as the currency
 * has. No sign, exponent, spaces, thousands separators or comma. The result is > 0 and a safe integer.
 */
export function parseDecimal(input: string, currency: string): ParseResult {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) return fail('unknown_currency', `unknown currency ${currency}`);
  if (input.length === 0) return fail('empty', 'the amount is empty');
  if (input.length > 40) return fail('malformed', 'the amount is too long');
  const m = DECIMAL.exec(input);
  if (!m) {
    const hint = input.includes(',') ? ' (use "." as the decimal separator)' : '';
    return fail('malformed', `"${printable(input)}" is not a decimal amount${hint}`);
  }
  const whole = m[1] ?? '';
  const frac = m[2] ?? '';
  if (m[2] !== undefined && frac.length === 0) return fail('malformed', `"${printable(input)}" is not a decimal amount`);
  if (frac.length > exponent) {
    return fail(
      'too_many_decimals',
      exponent === 0
        ? `${currency} has no decimals: "${printable(input)}"`
        : `${currency} has at most ${exponent} decimals: "${printable(input)}"`,
    );
  }
  const digits = (whole + frac.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 16) return fail('too_large', `the amount ${printable(input)} is too large`);
  const minor = Number(digits);
  if (!Number.isSafeInteger(minor)) return fail('too_large', `the amount ${printable(input)} is too large`);
  if (minor <= 0) return fail('not_positive', 'the amount must be greater than zero');
  return { ok: true, minor };
}

/** Integer minor units from the wire (V4 `amount`, links' cents): a positive safe integer. */
export function checkMinor(value: unknown): ParseResult {
  if (typeof value !== 'number' || !Number.isInteger(value)) return fail('malformed', 'the amount must be an integer of minor units');
  if (!Number.isSafeInteger(value)) return fail('too_large', 'the amount is too large');
  if (value <= 0) return fail('not_positive', 'the amount must be greater than zero');
  return { ok: true, minor: value };
}

/** 7412 EUR → "74.12"; 500 JPY → "500"; 1234 KWD → "1.234". Uses "." always, no grouping. */
export function formatDecimal(minor: number | bigint, currency: string): string {
  const exponent = currencyExponent(currency) ?? 2;
  const negative = minor < 0;
  const digits = (minor < 0 ? -minor : minor).toString();
  if (exponent === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(exponent + 1, '0');
  const whole = padded.slice(0, -exponent);
  const frac = padded.slice(-exponent);
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

/** Human form for terminals: "74.12 EUR", with thin grouping of thousands for readability. */
export function formatMoney(minor: number | bigint, currency: string): string {
  const dec = formatDecimal(minor, currency);
  const [whole = '', frac] = dec.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}${frac !== undefined ? '.' + frac : ''} ${currency}`;
}

function fail(problem: AmountProblem, message: string): ParseResult {
  return { ok: false, problem, message };
}

/** Keeps user input printable in one-line error messages. */
const printable = (s: string): string => printableText(s, { max: 32, spaces: true });
