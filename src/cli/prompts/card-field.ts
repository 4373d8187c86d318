import { type CardBrand, cardBrand, cardNumberProblem } from '../../card/card.js';
import type { TextField } from './text-field.js';

const BRAND_NAMES: Record<CardBrand, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'Amex',
  cb: 'CB',
  discover: 'Discover',
  jcb: 'JCB',
  unknown: '',
};

/** "4111111111111111" → "4111 1111 1111 1111", as printed on most cards. */
export function groupInFours(text: string): string {
  return text.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * The number as the terminal keeps it once entered: the first 6 and last 4 digits (what esipay
 * stores), the others as dots, grouped in fours. Too short to have both, it is all dots.
 */
export function maskedCardNumber(digits: string): string {
  const shown =
    digits.length > 10 ? `${digits.slice(0, 6)}${'•'.repeat(digits.length - 10)}${digits.slice(-4)}` : '•'.repeat(digits.length);
  return groupInFours(shown);
}

/**
 * The card number: digits only (spaces and dashes, as pasted from a card, are dropped), grouped
 * as typed with the brand beside and a tick once the number passes Luhn; Enter is refused until
 * it does; accepted, it shows masked.
 */
export function cardNumberField(): TextField<string> {
  return {
    label: 'Card number',
    max: 19,
    accepts: (ch) => /\d/.test(ch),
    show: (digits, accepted) => (accepted ? maskedCardNumber(digits) : groupInFours(digits)),
    aside: (digits) => {
      const brand = digits === '' ? '' : BRAND_NAMES[cardBrand(digits)];
      if (digits !== '' && cardNumberProblem(digits) === undefined) return { text: `${brand} ✓`.trim(), tone: 'ok' };
      return brand ? { text: brand, tone: 'plain' } : undefined;
    },
    check: (digits) => {
      if (digits === '') return { ok: false, message: 'type the card number' };
      const problem = cardNumberProblem(digits);
      return problem ? { ok: false, message: problem } : { ok: true, value: digits };
    },
  };
}
