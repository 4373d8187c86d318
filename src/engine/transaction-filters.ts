import { invalid } from '../domain/errors.js';
import type { TxDisplayStatus, TxKind } from '../domain/types.js';
import { printable } from '../util/printable.js';

/**
 * The filters of a transaction listing (tx list, tx export, the operator API's query parameters),
 * checked once, here: the CLI checks its flags with it before it opens an engine, the remote
 * engine before it sends a request, and the local engine again on what it is given, so every way
 * in refuses the same values with the same codes. Only the names in the messages differ: a flag
 * on the command line (--kind), a field or query parameter elsewhere (kind).
 */

export const TX_KINDS: readonly TxKind[] = ['card', 'initial', 'shipment', 'link'];

/** Every status a user sees (displayStatus), in the order of a payment's life. */
export const TX_STATUSES: readonly TxDisplayStatus[] = [
  'PENDING',
  'PAID',
  'PARTIALLY_REFUNDED',
  'REFUNDED',
  'AUTHORISED',
  'EXPIRED',
  'DECLINED',
  'FAILED',
  'CANCELLED',
];

/** The filters as given: lists as arrays (the Engine's input) or comma-separated (a flag, a query parameter). */
export interface FilterInput {
  kinds?: string | readonly string[] | undefined;
  statuses?: string | readonly string[] | undefined;
  since?: string | undefined;
  until?: string | undefined;
  cid?: string | undefined;
  cursor?: string | undefined;
}

/** The filters once checked: known kinds and statuses, times as ISO-8601 UTC to the millisecond. */
export interface TransactionFilters {
  kinds?: TxKind[];
  statuses?: TxDisplayStatus[];
  /** Created at or after (inclusive). */
  since?: string;
  /** Created before (exclusive): --since 2024-05-01 --until 2024-06-01 is May, and the next month starts where it ends. */
  until?: string;
  cid?: string;
}

/** What each filter is called in the messages of the caller. */
export type FilterNames = Readonly<Record<keyof FilterInput, string>>;

export const FIELD_NAMES: FilterNames = { kinds: 'kind', statuses: 'status', since: 'since', until: 'until', cid: 'cid', cursor: 'cursor' };
export const FLAG_NAMES: FilterNames = {
  kinds: '--kind',
  statuses: '--status',
  since: '--since',
  until: '--until',
  cid: '--cid',
  cursor: '--cursor',
};

/** Longer than any merchant reference esipay stores: a longer one cannot match, so it is a mistake. */
const MAX_CID = 256;

export function checkTransactionFilters(input: FilterInput, names: FilterNames = FIELD_NAMES): TransactionFilters {
  const out: TransactionFilters = {};
  // An empty array filters nothing (as the Engine always took it); an empty flag or parameter is a mistake.
  if (isGiven(input.kinds)) out.kinds = checkList(input.kinds, names.kinds, 'invalid_kind', TX_KINDS, (v) => v.toLowerCase());
  if (isGiven(input.statuses))
    out.statuses = checkList(input.statuses, names.statuses, 'invalid_status', TX_STATUSES, (v) => v.toUpperCase().replace(/-/g, '_'));
  if (input.since !== undefined) out.since = parseTime(input.since, names.since, 'invalid_since');
  if (input.until !== undefined) out.until = parseTime(input.until, names.until, 'invalid_until');
  if (out.since !== undefined && out.until !== undefined && out.since >= out.until) {
    throw invalid(
      'invalid_range',
      `${names.since} ${out.since} is not before ${names.until} ${out.until}`,
      `${names.since} is inclusive and ${names.until} exclusive: give a later ${names.until}`,
    );
  }
  if (input.cid !== undefined) {
    if (input.cid === '') throw invalid('invalid_cid', `${names.cid} is empty: give a merchant reference (cid, order id)`);
    if (input.cid.length > MAX_CID) throw invalid('invalid_cid', `${names.cid} is longer than ${MAX_CID} characters`);
    out.cid = input.cid;
  }
  if (input.cursor === '') throw invalidCursor(names.cursor, '');
  return out;
}

/** A cursor esipay did not give (or no longer can read): named as the caller calls it. */
export function invalidCursor(name: string, cursor: string) {
  return invalid(
    'invalid_cursor',
    `${name} "${printable(cursor)}" is not a cursor esipay gave`,
    `pass the "next" cursor of the page before, or no ${name} for the first page`,
  );
}

const isGiven = (list: string | readonly string[] | undefined): list is string | readonly string[] =>
  list !== undefined && (typeof list === 'string' || list.length > 0);

function checkList<T extends string>(
  given: string | readonly string[],
  name: string,
  code: string,
  known: readonly T[],
  normalise: (v: string) => string,
): T[] {
  const items = typeof given === 'string' ? given.split(',') : given;
  const accepts = `use ${orList(known)}`;
  const out: T[] = [];
  for (const raw of items) {
    const value = normalise(String(raw).trim()) as T;
    if (!known.includes(value)) {
      throw invalid(code, raw.trim() === '' ? `${name} has an empty value: ${accepts}` : `unknown ${name} "${printable(raw)}": ${accepts}`);
    }
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

function orList(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?)?$/i;

/**
 * A day (its start, 00:00 UTC) or an ISO 8601 time, with Z or an offset (UTC without one), as the
 * ISO-8601 UTC text the stores keep, to the millisecond. A fraction finer than a millisecond is
 * rounded up: the stored times are whole milliseconds, so `>= since` and `< until` then keep
 * exactly the rows the finer time would.
 */
export function parseTime(value: string, name: string, code: string): string {
  const m = TIME.exec(value.trim());
  const refuse = () =>
    invalid(
      code,
      `${name} "${printable(value, { spaces: true })}" is not a date: use YYYY-MM-DD or an ISO 8601 time such as 2024-05-01T12:00:00Z`,
    );
  if (!m) throw refuse();
  const [y, mo, d, h = '0', mi = '0', s = '0', frac = '', , sign, oh = '0', om = '0'] = m.slice(1);
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || Number(oh) > 23 || Number(om) > 59) throw refuse();
  // setUTCFullYear, not Date.UTC, which reads the years 0 to 99 as 1900 to 1999.
  const day0 = new Date(0);
  day0.setUTCFullYear(year, month - 1, day);
  // It rolls 2024-02-30 over into March: a day the month does not have is refused.
  if (day0.getUTCDate() !== day || day0.getUTCMonth() !== month - 1) throw refuse();
  const base = day0.getTime() + ((hour * 60 + minute) * 60 + second) * 1000;
  const ms = Number(frac.slice(0, 3).padEnd(3, '0')) + (/[1-9]/.test(frac.slice(3)) ? 1 : 0);
  const at = new Date(base + ms - offset * 60_000);
  if (Number.isNaN(at.getTime()) || at.getUTCFullYear() < 1 || at.getUTCFullYear() > 9999) throw refuse();
  return at.toISOString();
}
