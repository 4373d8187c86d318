import type { TransactionView } from '../../domain/types.js';
import { formatDecimal } from '../../money/amount.js';
import { csvField, csvRecord } from './csv.js';

/**
 * The columns of `tx export --format csv`: every field of a transaction as `tx list --json` gives
 * it, flat. Each amount twice: as a decimal in its currency (what a spreadsheet shows: 74.12) and
 * as integer minor units (what a script sums exactly: 7412), the currency in its own column.
 * Times are ISO 8601 UTC as stored. A field that does not apply (shipped on a card payment) is empty.
 */
const COLUMNS: readonly (readonly [string, (t: TransactionView) => string])[] = [
  ['id', (t) => t.id],
  ['created_at', (t) => t.createdAt],
  ['merchant', (t) => t.merchant],
  ['kind', (t) => t.kind],
  ['status', (t) => t.status],
  ['cid', (t) => t.cid],
  ['currency', (t) => t.currency],
  ['amount', (t) => formatDecimal(t.amount, t.currency)],
  ['amount_minor', (t) => String(t.amount)],
  ['refunded', (t) => formatDecimal(t.refunded, t.currency)],
  ['refunded_minor', (t) => String(t.refunded)],
  ['remaining', (t) => formatDecimal(t.remaining, t.currency)],
  ['remaining_minor', (t) => String(t.remaining)],
  ['shipped', (t) => (t.shipped === undefined ? '' : formatDecimal(t.shipped, t.currency))],
  ['shipped_minor', (t) => (t.shipped === undefined ? '' : String(t.shipped))],
  ['card_brand', (t) => t.card?.brand ?? ''],
  ['card_first6', (t) => t.card?.first6 ?? ''],
  ['card_last4', (t) => t.card?.last4 ?? ''],
  ['expires_at', (t) => t.expiresAt ?? ''],
  ['parent', (t) => t.parent ?? ''],
  ['within_guarantee', (t) => (t.withinGuarantee === undefined ? '' : String(t.withinGuarantee))],
  ['reason', (t) => t.reason ?? ''],
];

export const CSV_COLUMNS: readonly string[] = COLUMNS.map(([name]) => name);

export type ExportFormat = 'csv' | 'ndjson';

/** What the export starts with: the CSV header line; nothing for NDJSON. */
export function exportHeader(format: ExportFormat): string {
  return format === 'csv' ? csvRecord(CSV_COLUMNS) : '';
}

/** One page of transactions as text. */
export function exportRows(format: ExportFormat, rows: readonly TransactionView[]): string {
  let out = '';
  if (format === 'csv')
    for (const t of rows) {
      // One string a row, not an array of fields: an export of millions of rows makes little garbage.
      let line = '';
      for (let i = 0; i < COLUMNS.length; i++) line += (i === 0 ? '' : ',') + csvField(COLUMNS[i]![1](t));
      out += line + '\r\n';
    }
  else for (const t of rows) out += JSON.stringify(t) + '\n';
  return out;
}
