import type { Migration } from '../sql/migration.js';
import { REFUND_KEYS_MIGRATION } from '../sql/refund-keys.js';
import { CID_PAGE_MIGRATION } from '../sql/transaction-query.js';
import { eventsMigration } from '../sql/events.js';
import { SEAL_SECRETS_MIGRATION } from '../sql/sealed-secrets.js';
import { POSTGRES_TOTALS_MIGRATION } from '../sql/totals-migration.js';
import { POSTGRES_MERCHANT_VERSION_MIGRATION } from '../sql/merchant-version-migration.js';

/**
 * Versioned PostgreSQL migrations, the same tables, columns and constraints as
 * src/store/sqlite/migrations.ts, version for version. Each is applied in its own transaction
 * under an advisory lock (see postgres-store.ts), so instances starting together do not race.
 * Never edit a released migration: add the next one, here and in the SQLite list.
 *
 * Choices that differ from SQLite, and why:
 * - Money is BIGINT minor units (pg hands int8 back as a string: pool.ts parses it to a safe
 *   integer or throws). CHECK constraints refuse a refund or shipment beyond the amount, whatever
 *   the code above does.
 * - Times stay TEXT in the ISO-8601 UTC form the records carry (`Date#toISOString()`, fixed
 *   width): a record reads back byte for byte, keyset cursors are the very strings the API hands
 *   out, and `expires_at > $now` compares the way the code compares. timestamptz would have
 *   needed a conversion at every edge and silently changed precision (microseconds) and form.
 * - Ids and times are COLLATE "C": byte order, as in SQLite, whatever the database's locale, so
 *   keyset paging returns the same order on both stores and the indexes serve `(created_at, id) < …`.
 */
const C = 'TEXT COLLATE "C"';

export const POSTGRES_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE merchants (
  id ${C} PRIMARY KEY,
  name TEXT NOT NULL,
  ip TEXT NOT NULL,
  return_url TEXT NOT NULL,
  notification_url TEXT,
  currency TEXT NOT NULL,
  secrets TEXT NOT NULL,
  created_at ${C} NOT NULL
);
CREATE INDEX merchants_created ON merchants (created_at, id);

CREATE TABLE transactions (
  id ${C} PRIMARY KEY,
  merchant_id ${C} NOT NULL REFERENCES merchants (id),
  kind TEXT NOT NULL CHECK (kind IN ('card', 'initial', 'shipment', 'link')),
  cid TEXT NOT NULL,
  idem_key TEXT,
  request_hash TEXT,
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'PAID', 'AUTHORISED', 'DECLINED', 'FAILED', 'CANCELLED')),
  amount BIGINT NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  refunded BIGINT NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
  shipped BIGINT NOT NULL DEFAULT 0 CHECK (shipped >= 0 AND shipped <= amount),
  parent_id ${C} REFERENCES transactions (id),
  card_first6 TEXT,
  card_last4 TEXT,
  card_brand TEXT,
  card_hash TEXT,
  card_token TEXT,
  email TEXT,
  auth_code TEXT,
  reason TEXT,
  callback_status INTEGER,
  callback_error TEXT,
  deadline_at ${C},
  expires_at ${C},
  created_at ${C} NOT NULL,
  updated_at ${C} NOT NULL
);
CREATE UNIQUE INDEX transactions_idem ON transactions (merchant_id, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX transactions_merchant_page ON transactions (merchant_id, created_at DESC, id DESC);
CREATE INDEX transactions_top_page ON transactions (merchant_id, created_at DESC, id DESC) WHERE parent_id IS NULL;
CREATE INDEX transactions_parent ON transactions (parent_id, created_at) WHERE parent_id IS NOT NULL;
CREATE INDEX transactions_pending ON transactions (deadline_at) WHERE status = 'PENDING';

CREATE TABLE refunds (
  id ${C} PRIMARY KEY,
  transaction_id ${C} NOT NULL REFERENCES transactions (id),
  merchant_id ${C} NOT NULL REFERENCES merchants (id),
  amount BIGINT NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  created_at ${C} NOT NULL
);
CREATE INDEX refunds_transaction ON refunds (transaction_id, created_at);

CREATE TABLE links (
  id ${C} PRIMARY KEY,
  merchant_id ${C} NOT NULL REFERENCES merchants (id),
  token_hash TEXT NOT NULL UNIQUE,
  payment_reference TEXT NOT NULL,
  consumer_reference TEXT NOT NULL,
  amount BIGINT NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  mode TEXT NOT NULL,
  request TEXT NOT NULL,
  callback_url TEXT NOT NULL,
  redirect_url TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'paid')),
  transaction_id ${C} REFERENCES transactions (id),
  expires_at ${C} NOT NULL,
  created_at ${C} NOT NULL,
  updated_at ${C} NOT NULL,
  UNIQUE (merchant_id, payment_reference)
);
CREATE INDEX links_merchant_page ON links (merchant_id, created_at DESC, id DESC);

-- Debits a link (multi_pay instalments, pay_later) takes later on the card token of its first payment.
CREATE TABLE scheduled_debits (
  id ${C} PRIMARY KEY,
  link_id ${C} NOT NULL REFERENCES links (id),
  merchant_id ${C} NOT NULL REFERENCES merchants (id),
  seq INTEGER NOT NULL,
  amount BIGINT NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  due_at ${C} NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('scheduled', 'paid', 'failed')),
  card_token TEXT,
  transaction_id ${C} REFERENCES transactions (id),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  claimed_until ${C},
  created_at ${C} NOT NULL,
  updated_at ${C} NOT NULL,
  UNIQUE (link_id, seq)
);
CREATE INDEX scheduled_debits_due ON scheduled_debits (due_at) WHERE status = 'scheduled';

CREATE TABLE outbox (
  id ${C} PRIMARY KEY,
  merchant_id ${C} NOT NULL,
  topic TEXT NOT NULL,
  url TEXT NOT NULL,
  content_type TEXT NOT NULL,
  body TEXT NOT NULL,
  headers TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at ${C} NOT NULL,
  delivered_at ${C},
  last_error TEXT,
  created_at ${C} NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
`,
  },
  {
    version: 2,
    name: 'index transactions by merchant reference',
    // Order/Get and the filters look a merchant's transactions up by cid (orderId): no scan.
    sql: `CREATE INDEX transactions_merchant_cid ON transactions (merchant_id, cid);`,
  },
  REFUND_KEYS_MIGRATION,
  {
    version: 5,
    name: 'merchants can be disabled',
    // NULL: active. A disabled merchant keeps its rows; only its new requests are refused.
    sql: `ALTER TABLE merchants ADD COLUMN disabled_at ${C};`,
  },
  {
    version: 6,
    name: 'V4 shop numbers, request details and hosted-page details',
    // Every merchant gets its 8-digit V4 shop number: the ones registered before, in order of
    // registration from 10000001 (new ones draw theirs at random, see engine/local/merchants.ts).
    // v4_details keeps what a V4 payment request sent that its answers echo (JSON, no card number);
    // v4_form_details the same for an order paid later on the hosted page, until its token expires.
    sql: `
ALTER TABLE merchants ADD COLUMN shop_id ${C};
UPDATE merchants SET shop_id = lpad((10000000 + n.rank)::text, 8, '0')
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS rank FROM merchants) n WHERE merchants.id = n.id;
CREATE UNIQUE INDEX merchants_shop_id ON merchants (shop_id);
ALTER TABLE transactions ADD COLUMN v4_details TEXT;

-- What a V4 formToken's order sent that its payment echoes, too long to travel in the page's URL.
CREATE TABLE v4_form_details (
  nonce ${C} PRIMARY KEY,
  merchant_id ${C} NOT NULL,
  details TEXT NOT NULL,
  expires_at ${C} NOT NULL,
  created_at ${C} NOT NULL
);
CREATE INDEX v4_form_details_expiry ON v4_form_details (expires_at);
`,
  },
  CID_PAGE_MIGRATION,
  eventsMigration(C, (path) => `(body::jsonb #>> '{${path.join(',')}}')`),
  SEAL_SECRETS_MIGRATION,
  POSTGRES_TOTALS_MIGRATION,
  POSTGRES_MERCHANT_VERSION_MIGRATION,
];
