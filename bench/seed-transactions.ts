/**
 * Seeds a merchant with N transactions, fast, for measuring the dashboard at scale.
 *
 *   node dist/bench/seed-transactions.js --db /tmp/big.db --count 1000000 [--merchant <uuid>]
 *
 * The merchant is registered through the LocalEngine (so it is a real one); the transactions are
 * written by INSERT … SELECT over a recursive counter, in one database transaction: SQLite
 * builds every row itself (no JavaScript per row, no statement per row), and its triggers keep the
 * running totals as for any write. Ten million rows in minutes, where ten million payments through
 * the engine would take days. The mix looks like a shop's history, in blocks of 12 rows: 9 card
 * payments (some partially or fully refunded, some declined), an initial authorisation and two
 * shipments under it. Times go back one second per row; ids grow with time as newId's do.
 * Prints one JSON line: { merchant, db, count, seconds }.
 */
import Database from 'better-sqlite3';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { LocalEngine } from '../src/engine/local/local-engine.js';
import { openStore } from '../src/store/open-store.js';

export interface SeedOptions {
  db: string;
  count: number;
  /** An existing merchant; otherwise one is registered. */
  merchant?: string;
  /** The newest transaction's time; the others go back one second each. */
  now?: Date;
}

export interface SeedResult {
  merchant: string;
  count: number;
  seconds: number;
}

/**
 * Row n (0 the oldest) of the seeded history: in each block of 12, rows 9 to 11 are an initial
 * authorisation and its two shipments (a quarter of its amount each), the others card payments:
 * DECLINED every 13th, refunded every 7th (in full every 14th, a third otherwise), PAID otherwise.
 */
const SEED_CHUNK = 50_000;

const SEED_SQL = `
WITH RECURSIVE seq(n) AS (SELECT CAST(@from AS INTEGER) UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < @to),
rows AS (
  -- A last block cut short by the count is card payments only (no initial without its shipments).
  SELECT n, CASE WHEN n - n % 12 + 12 <= @count THEN n % 12 ELSE n % 12 % 9 END AS pos, 100 + (n * 7919) % 99900 AS own,
    100 + ((n - n % 12 + 9) * 7919) % 99900 AS parent_amount,
    CAST(@nowSec AS INTEGER) - (CAST(@count AS INTEGER) - n) AS sec
  FROM seq
)
INSERT INTO transactions (id, merchant_id, kind, cid, status, amount, currency, refunded, shipped, parent_id,
  card_first6, card_last4, card_brand, auth_code, reason, callback_status, expires_at, created_at, updated_at)
SELECT
  printf('%012x%020x', sec * 1000 + @nowMs, n),
  @merchant,
  CASE WHEN pos = 9 THEN 'initial' WHEN pos > 9 THEN 'shipment' ELSE 'card' END,
  'order-' || (n - CASE WHEN pos > 9 THEN pos - 9 ELSE 0 END),
  CASE WHEN pos = 9 THEN 'AUTHORISED' WHEN pos < 9 AND n % 13 = 0 THEN 'DECLINED' ELSE 'PAID' END,
  CASE WHEN pos > 9 THEN parent_amount / 4 ELSE own END,
  @currency,
  CASE WHEN pos < 9 AND n % 13 <> 0 AND n % 7 = 0 THEN (CASE WHEN n % 14 = 0 THEN own ELSE own / 3 END) ELSE 0 END,
  CASE WHEN pos = 9 THEN 2 * (own / 4) ELSE 0 END,
  CASE WHEN pos > 9 THEN printf('%012x%020x', (sec - (pos - 9)) * 1000 + @nowMs, n - (pos - 9)) END,
  '411111', '1111', 'visa', '000000',
  CASE WHEN pos < 9 AND n % 13 = 0 THEN 'card declined' END,
  CASE WHEN pos < 9 AND n % 13 <> 0 THEN 200 END,
  CASE WHEN pos = 9 THEN @expires END,
  strftime('%Y-%m-%dT%H:%M:%S', sec, 'unixepoch') || printf('.%03dZ', @nowMs),
  strftime('%Y-%m-%dT%H:%M:%S', sec, 'unixepoch') || printf('.%03dZ', @nowMs)
FROM rows`;

const SEED_REFUNDS_SQL = `
INSERT INTO refunds (id, transaction_id, merchant_id, amount, currency, created_at)
SELECT substr(id, 1, 12) || 'f' || substr(id, 14), id, merchant_id, refunded, currency, created_at
FROM transactions WHERE rowid > CAST(@before AS INTEGER) AND refunded > 0`;

export async function seedTransactions(opts: SeedOptions): Promise<SeedResult> {
  const started = process.hrtime.bigint();
  const store = await openStore(opts.db);
  let merchant = opts.merchant;
  let currency = 'EUR';
  try {
    const engine = await LocalEngine.create(store);
    if (merchant) currency = (await engine.getMerchant(merchant)).currency;
    else merchant = (await engine.registerMerchant({ name: 'Big Shop', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:9/paid' })).uuid;
  } finally {
    await store.close();
  }

  const db = new Database(opts.db);
  // One big transaction on a database no one else has open: no WAL to write everything twice
  // (the rollback journal only holds the few pages that existed), and no sync until the end.
  db.pragma('journal_mode = MEMORY');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1048576');
  db.pragma('temp_store = MEMORY');
  const now = (opts.now ?? new Date()).getTime();
  const written = opts.count;
  const params = {
    merchant: merchant!,
    currency,
    count: written,
    // Whole seconds and the milliseconds apart: the times are built from integers, no float rounding.
    nowSec: Math.floor(now / 1000),
    nowMs: now % 1000,
    expires: new Date(now + 180 * 24 * 3600 * 1000).toISOString(),
  };
  // The indexes are dropped and built again once the rows are in (a sort each), rather than kept
  // up to date row by row: 6 indexes of 10,000,000 rows do not fit in any page cache.
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'transactions' AND sql IS NOT NULL`)
    .all() as { name: string; sql: string }[];
  db.transaction(() => {
    const before = Number((db.prepare('SELECT COALESCE(MAX(rowid), 0) AS n FROM transactions').get() as { n: number }).n);
    for (const i of indexes) db.exec(`DROP INDEX ${i.name}`);
    // better-sqlite3 binds every JS number as a REAL: the SQL casts the ones it computes amounts from.
    // In chunks: with triggers on the table, SQLite first copies an INSERT … SELECT's rows into a
    // temporary table; a chunk of rows fits in memory, ten million would not.
    const seed = db.prepare(SEED_SQL);
    for (let from = 0; from < written; from += SEED_CHUNK) seed.run({ ...params, from, to: Math.min(written, from + SEED_CHUNK) });
    // A refunded payment comes with its refund record, so the seeded ledger passes `esipay verify`.
    db.prepare(SEED_REFUNDS_SQL).run({ before });
    for (const i of indexes) db.exec(i.sql);
  })();
  db.pragma('journal_mode = WAL');
  db.close();
  return { merchant: merchant!, count: written, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { db: { type: 'string' }, count: { type: 'string', default: '1000000' }, merchant: { type: 'string' } },
  });
  if (!values.db) {
    process.stderr.write('usage: node dist/bench/seed-transactions.js --db <file> [--count N] [--merchant <uuid>]\n');
    process.exit(2);
  }
  const result = await seedTransactions({
    db: values.db,
    count: Number(values.count),
    ...(values.merchant ? { merchant: values.merchant } : {}),
  });
  process.stdout.write(JSON.stringify({ ...result, db: values.db }) + '\n');
}
