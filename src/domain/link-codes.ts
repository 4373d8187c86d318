import { EsipayError, type ErrorKind } from './errors.js';
import { fieldNumber, LINK_FIELDS } from './link-fields.js';

/**
 * The stable result codes of get_link_payment and of the hosted page, one per cause. A code never
 * changes meaning; new causes get new codes. docs/links.md lists them all (a test checks it).
 *
 * Per-field codes carry the field's row in the seed's table: MISSING_<nnn> (a required field
 * absent or empty), LENGTH_<nnn> (longer than its size), INVALID_<nnn> (wrong type or format).
 */
export interface LinkCode {
  code: string;
  kind: ErrorKind;
  /** What it means, for the docs and the one-line message. */
  meaning: string;
}

const FIXED: LinkCode[] = [
  { code: 'AUTH_001', kind: 'unauthorized', meaning: 'no HTTP Basic credentials (Authorization: Basic base64(merchant uuid:secret))' },
  { code: 'AUTH_002', kind: 'unauthorized', meaning: 'unknown merchant or wrong secret' },
  { code: 'AUTH_003', kind: 'forbidden', meaning: "the caller's IP address is not the merchant's registered address" },
  { code: 'AUTH_004', kind: 'forbidden', meaning: 'merchant_id names another merchant than the authenticated one' },
  { code: 'AUTH_005', kind: 'forbidden', meaning: 'the merchant is disabled (HTTP 403): an operator must enable it again' },
  { code: 'FORMAT_001', kind: 'invalid', meaning: 'the body is not a JSON object' },
  { code: 'FORMAT_002', kind: 'invalid', meaning: 'the body has a field that is not in the get_link_payment table' },
  { code: 'FORMAT_003', kind: 'invalid', meaning: 'the body is too large (64 KiB at most)' },
  { code: 'AMOUNT_001', kind: 'invalid', meaning: 'the amount is zero' },
  { code: 'AMOUNT_002', kind: 'invalid', meaning: 'the amount is larger than 9007199254740991 minor units' },
  {
    code: 'AMOUNT_003',
    kind: 'invalid',
    meaning: 'the amount is smaller than the number of instalments (each must be at least 1 minor unit)',
  },
  { code: 'MODE_001', kind: 'invalid', meaning: 'more than one of pay_now, multi_pay and pay_later is true' },
  {
    code: 'MODE_002',
    kind: 'invalid',
    meaning: 'payment_scenario is not a scenario of the chosen mode (multi_pay: "2x".."12x"; pay_later: "1d".."90d"; pay_now: none)',
  },
  { code: 'DURATION_001', kind: 'invalid', meaning: 'link_duration is outside 1..525600 minutes (one year)' },
  { code: 'EXIST_001', kind: 'conflict', meaning: 'payment_reference was already used for a link of this merchant' },
  { code: 'LINK_001', kind: 'not_found', meaning: 'no such payment link (unknown or mistyped SDESSID, or unknown link id)' },
  { code: 'LINK_002', kind: 'conflict', meaning: 'the payment link has expired' },
  { code: 'LINK_003', kind: 'conflict', meaning: 'the payment link has already been paid' },
  { code: 'LINK_004', kind: 'conflict', meaning: 'too many refused attempts on this link (10): it no longer accepts payments' },
  { code: 'LINK_005', kind: 'conflict', meaning: 'another payment of this link is in progress' },
  { code: 'FORM_001', kind: 'invalid', meaning: 'the payment form is stale or was not issued for this link: reload the page' },
  { code: 'CARD_001', kind: 'invalid', meaning: 'the card number is not valid (12 to 19 digits, Luhn check)' },
  { code: 'CARD_002', kind: 'invalid', meaning: 'the expiry date is not a valid MM/YY' },
  { code: 'CARD_003', kind: 'invalid', meaning: 'the card has expired' },
  { code: 'CARD_004', kind: 'refused', meaning: 'the card was declined by the bank' },
  { code: 'CARD_005', kind: 'unavailable', meaning: 'the bank could not be reached: nothing was charged, try again' },
  { code: 'SERVER_001', kind: 'internal', meaning: 'an internal error: nothing was created' },
  { code: 'SERVER_002', kind: 'unavailable', meaning: 'the service is unavailable (database): nothing was created, try again' },
];

function perField(): LinkCode[] {
  const codes: LinkCode[] = [];
  for (const f of LINK_FIELDS) {
    const n = fieldNumber(f.name);
    if (f.required) codes.push({ code: `MISSING_${n}`, kind: 'invalid', meaning: `${f.name} is missing or empty` });
    if (f.max !== undefined)
      codes.push({
        code: `LENGTH_${n}`,
        kind: 'invalid',
        meaning: `${f.name} is longer than ${f.max} ${f.type === 'integer' ? 'digits' : 'characters'}`,
      });
    codes.push({ code: `INVALID_${n}`, kind: 'invalid', meaning: `${f.name} is not ${expected(f.name)}` });
  }
  return codes;
}

function expected(name: string): string {
  const f = LINK_FIELDS.find((x) => x.name === name)!;
  switch (f.format) {
    case 'digits':
      return 'a string of digits';
    case 'url':
      return 'an http(s) URL';
    case 'email':
      return 'an email address';
    case 'phone':
      return 'a phone number (digits, spaces, + . - ( ), at least 6 digits)';
    case 'siren':
      return 'a SIREN (9 digits)';
    case 'flag':
    case 'consumer_type':
      return '0 or 1';
    case 'lang':
      return 'a language code such as fr or en';
    default:
      if (f.type === 'integer') return 'an integer (a JSON number or a string of digits)';
      if (f.type === 'boolean') return 'a boolean';
      return 'a string without control characters';
  }
}

export const LINK_CODES: readonly LinkCode[] = [...FIXED, ...perField()];

const BY_CODE = new Map(LINK_CODES.map((c) => [c.code, c]));

/** The EsipayError of a link code: its code is the link code itself, so every client sees the same one. */
export function linkError(code: string, detail?: string, hint?: string): EsipayError {
  const c = BY_CODE.get(code);
  if (!c) throw new Error(`unknown link code ${code}`);
  return new EsipayError(c.kind, code, detail ?? c.meaning, hint);
}

export function linkCodeMeaning(code: string): string | undefined {
  return BY_CODE.get(code)?.meaning;
}
