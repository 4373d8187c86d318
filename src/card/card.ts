import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { containsPan, luhnValid } from '../util/luhn.js';
import { replaceDigitRuns } from '../util/printable.js';

/**
 * Card numbers (PANs) enter here and leave only as first 6 + last 4 and a keyed hash.
 * Nothing downstream of parseCard ever sees the full number again, except the acquirer call.
 */
export interface CardInput {
  number: string;
  month: string | number;
  year: string | number;
}

export interface ParsedCard {
  /** The full PAN: only for the acquirer, never stored, never logged. */
  readonly pan: string;
  readonly first6: string;
  readonly last4: string;
  readonly brand: CardBrand;
  readonly expMonth: number;
  readonly expYear: number;
}

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'cb' | 'discover' | 'jcb' | 'unknown';

export interface MaskedCard {
  first6: string;
  last4: string;
  brand: CardBrand;
}

export type CardProblem = 'card_number' | 'card_month' | 'card_year' | 'card_expired';
export type CardResult = { ok: true; card: ParsedCard } | { ok: false; problem: CardProblem; message: string };

export { luhnValid };

export function cardBrand(pan: string): CardBrand {
  if (/^4/.test(pan)) return 'visa';
  if (/^(5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/.test(pan)) return 'mastercard';
  if (/^3[47]/.test(pan)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(pan)) return 'discover';
  if (/^35(2[89]|[3-8])/.test(pan)) return 'jcb';
  return 'unknown';
}

/**
 * Validates number (12–19 digits, Luhn), month (1–12) and year (4 digits, or 2 read as 20YY),
 * and that the card has not expired at `now` (a card is valid through the last day of its month).
 */
export function parseCard(input: CardInput, now: Date = new Date()): CardResult {
  const number = String(input.number);
  const problem = cardNumberProblem(number);
  if (problem) return { ok: false, problem: 'card_number', message: problem };
  const expiry = checkExpiry(input.month, input.year, now);
  if (!expiry.ok) return expiry;
  return {
    ok: true,
    card: {
      pan: number,
      first6: number.slice(0, 6),
      last4: number.slice(-4),
      brand: cardBrand(number),
      expMonth: expiry.month,
      expYear: expiry.year,
    },
  };
}

/** Why a card number is not one (12–19 digits, Luhn), or undefined: parseCard's check, for a prompt. */
export function cardNumberProblem(number: string): string | undefined {
  if (!/^\d{12,19}$/.test(number)) return 'the card number must be 12 to 19 digits';
  if (!luhnValid(number)) return 'the card number is not valid (Luhn check failed)';
  return undefined;
}

export type ExpiryResult = { ok: true; month: number; year: number } | { ok: false; problem: CardProblem; message: string };

/**
 * An expiry date: month 1–12, year of 4 digits (or 2, read as 20YY), not past at `now` (a card is
 * valid through the last day of its month) and not more than 50 years away. parseCard's check,
 * on its own for a prompt that refuses an expiry as it is typed.
 */
export function checkExpiry(monthInput: string | number, yearInput: string | number, now: Date = new Date()): ExpiryResult {
  const monthText = String(monthInput);
  if (!/^\d{1,2}$/.test(monthText) || Number(monthText) < 1 || Number(monthText) > 12) {
    return { ok: false, problem: 'card_month', message: 'the expiry month must be 1 to 12' };
  }
  const yearText = String(yearInput);
  let year: number;
  if (/^\d{4}$/.test(yearText)) year = Number(yearText);
  else if (/^\d{2}$/.test(yearText)) year = 2000 + Number(yearText);
  else return { ok: false, problem: 'card_year', message: 'the expiry year must have 4 digits (or 2, read as 20YY)' };
  const month = Number(monthText);
  const nowIndex = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const expIndex = year * 12 + (month - 1);
  if (expIndex < nowIndex) {
    return { ok: false, problem: 'card_expired', message: `the card expired at the end of ${pad2(month)}/${year}` };
  }
  if (year > now.getUTCFullYear() + 50) {
    return { ok: false, problem: 'card_year', message: `the expiry year ${year} is too far in the future` };
  }
  return { ok: true, month, year };
}

/** Parses "12/2030", "12/30" or "2030-12" into month and year strings for parseCard. */
export function splitExpiry(expiry: string): { month: string; year: string } | undefined {
  let m = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(expiry.trim());
  if (m) return { month: m[1]!, year: m[2]! };
  m = /^(\d{4})-(\d{1,2})$/.exec(expiry.trim());
  if (m) return { month: m[2]!, year: m[1]! };
  return undefined;
}

/** A keyed hash (HMAC-SHA256 under the installation's card key) to recognise a card without storing it. */
export function cardHash(pan: string, key: Buffer): string {
  return createHmac('sha256', secretKeyOf(key)).update(pan).digest('hex');
}

/**
 * The card key as a KeyObject, made once per key: createHmac with a raw Buffer builds a new key
 * object on every call (≈16 µs on Node 24, against ≈2 µs with a ready KeyObject), on every payment.
 */
const secretKeys = new WeakMap<Buffer, KeyObject>();
function secretKeyOf(key: Buffer): KeyObject {
  let k = secretKeys.get(key);
  if (!k) {
    k = createSecretKey(key);
    secretKeys.set(key, k);
  }
  return k;
}

/** Replaces anything in a text that looks like a PAN (12–19 digits) by its masked form: for logs. */
export function redactPans(text: string): string {
  return replaceDigitRuns(text, (digits) => {
    if (digits.length <= 19 && luhnValid(digits)) return `${digits.slice(0, 6)}******${digits.slice(-4)}`;
    // A card number may hide inside a longer run of digits: mask the run if any window could be one.
    return containsPan(digits) ? `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}` : digits;
  });
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
