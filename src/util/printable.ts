import { luhnValid } from './luhn.js';

/**
 * Text that came from a request, made safe to put in a one-line message, an answer or a log:
 * control and non-ASCII characters become "?", it is cut at `max` characters, and every run of 12
 * or more digits is masked (see maskDigitRuns). One helper for every echo of input, so none can
 * forget the card number a caller put in the wrong place.
 */
export function printable(value: unknown, opts: { max?: number; spaces?: boolean } = {}): string {
  const max = opts.max ?? 40;
  const clean = maskDigitRuns(String(value)).replace(opts.spaces ? /[^\x20-\x7e]/g : /[^\x21-\x7e]/g, '?');
  return clean.length > max ? clean.slice(0, max) + '…' : clean;
}

/**
 * Masks runs of 12 or more digits to their first 6 and last 4 ("411111******1111"). Meant for
 * messages: a card number sent where an id, an amount or a name was expected must never come
 * back, and a mistyped one (failing Luhn) is as sensitive as a valid one, so a run that stands
 * on its own (no letter touches it) is masked whatever it is. A run inside a word (the digits of
 * a hex id, "f1834180912345678d0…": 7% of ids have a run of 12) is masked only when the run is
 * itself a card number (13 to 19 digits passing Luhn), so ids stay readable. Amounts esipay writes itself are
 * grouped ("1,234,567.00 EUR"), so they are left as they are.
 */
export function maskDigitRuns(text: string): string {
  return replaceDigitRuns(text, (d, at) => {
    const inWord = /[A-Za-z]/.test(text[at - 1] ?? '') || /[A-Za-z]/.test(text[at + d.length] ?? '');
    const cardNumber = d.length >= 13 && d.length <= 19 && luhnValid(d);
    return inWord && !cardNumber ? d : `${d.slice(0, 6)}${'*'.repeat(d.length - 10)}${d.slice(-4)}`;
  });
}

/**
 * Each run of 12 or more digits of `text`, replaced by what `mask` makes of it: the one walk of
 * maskDigitRuns (messages) and redactPans (logs). A run inside a uuid is left whole: a merchant's
 * whose last group is twelve digits (one in 282) would otherwise be named wrongly in every
 * message, and a uuid's group holds at most twelve digits, fewer than any card number.
 */
export function replaceDigitRuns(text: string, mask: (run: string, at: number) => string): string {
  let uuids: (readonly [number, number])[] | undefined;
  return text.replace(/\d{12,}/g, (d, at: number) => {
    uuids ??= [...text.matchAll(UUID)].map((m) => [m.index, m.index + m[0].length] as const);
    return uuids.some(([from, to]) => at >= from && at + d.length <= to) ? d : mask(d, at);
  });
}

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** A message (a driver's, a stack's first lines) on one line: for one-line errors and logs. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
