/**
 * The export bench's baseline (bench/sections/export.ts): a bare better-sqlite3 loop, nothing of
 * esipay in it, writing what `esipay tx export --format csv --output FILE` writes, byte for byte
 * (the section checks it), into the same kind of sink: a temporary file beside the output, written
 * in 256 KiB pieces, synced, renamed. One iterate() over the merchant's rows, newest first.
 *
 *   node dist/bench/children/bare-export.js <db> <merchant> <output>
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';

const [dbPath, merchant, output] = process.argv.slice(2) as [string, string, string];
const HEADER =
  'id,created_at,merchant,kind,status,cid,currency,amount,amount_minor,refunded,refunded_minor,remaining,remaining_minor,' +
  'shipped,shipped_minor,card_brand,card_first6,card_last4,expires_at,parent,within_guarantee,reason\r\n';
const GUARANTEE_MS = 30 * 24 * 3600 * 1000;

interface Row {
  id: string;
  merchant_id: string;
  kind: string;
  cid: string;
  status: string;
  amount: number;
  currency: string;
  refunded: number;
  shipped: number;
  parent_id: string | null;
  card_first6: string | null;
  card_last4: string | null;
  card_brand: string | null;
  reason: string | null;
  expires_at: string | null;
  created_at: string;
  parent_created_at: string | null;
}

const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const decimal = (minor: number) => {
  const digits = String(Math.abs(minor)).padStart(3, '0');
  return `${minor < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
};

const db = new Database(dbPath, { readonly: true });
const now = new Date().toISOString();
const rows = db
  .prepare(
    `SELECT t.*, p.created_at AS parent_created_at FROM transactions t LEFT JOIN transactions p ON p.id = t.parent_id
     WHERE t.merchant_id = ? ORDER BY t.created_at DESC, t.id DESC`,
  )
  .iterate(merchant) as IterableIterator<Row>;
const temp = `${output}.bare.tmp`;
const fd = openSync(temp, 'w', 0o600);
let buffer = HEADER;
for (const t of rows) {
  const expired = t.expires_at !== null && t.expires_at <= now;
  const initial = t.kind === 'initial';
  let status = t.status;
  if (status === 'PAID' && t.refunded > 0) status = t.refunded >= t.amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  else if (status === 'AUTHORISED' && expired) status = 'EXPIRED';
  const remaining = initial
    ? t.status === 'AUTHORISED' && !expired
      ? Math.max(0, t.amount - t.shipped)
      : 0
    : t.status === 'PAID' && t.kind !== 'initial'
      ? Math.max(0, t.amount - t.refunded)
      : 0;
  const card = t.card_first6 && t.card_last4;
  const shipment = t.kind === 'shipment' && t.parent_id;
  buffer +=
    `${t.id},${t.created_at},${t.merchant_id},${t.kind},${status},${field(t.cid)},${t.currency},` +
    `${decimal(t.amount)},${t.amount},${decimal(t.refunded)},${t.refunded},${decimal(remaining)},${remaining},` +
    `${initial ? decimal(t.shipped) : ''},${initial ? t.shipped : ''},` +
    `${card ? (t.card_brand ?? 'unknown') : ''},${card ? t.card_first6 : ''},${card ? t.card_last4 : ''},` +
    `${initial && t.expires_at ? t.expires_at : ''},${shipment ? t.parent_id : ''},` +
    `${shipment && t.parent_created_at ? String(Date.parse(t.created_at) - Date.parse(t.parent_created_at) <= GUARANTEE_MS) : ''},` +
    `${t.reason && t.status !== 'PAID' && t.status !== 'AUTHORISED' ? field(t.reason) : ''}\r\n`;
  if (buffer.length >= 256 * 1024) {
    writeSync(fd, buffer);
    buffer = '';
  }
}
if (buffer !== '') writeSync(fd, buffer);
fsyncSync(fd);
closeSync(fd);
renameSync(temp, output);
db.close();
