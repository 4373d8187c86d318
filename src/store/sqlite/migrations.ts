import type { Migration } from '../sql/migration.js';
import { REFUND_KEYS_MIGRATION } from '../sql/refund-keys.js';
import { CID_PAGE_MIGRATION } from '../sql/transaction-query.js';
import { eventsMigration } from '../sql/events.js';
import { SEAL_SECRETS_MIGRATION } from '../sql/sealed-secrets.js';
import { SQLITE_TOTALS_MIGRATION } from '../sql/totals-migration.js';
import { SQLITE_MERCHANT_VERSION_MIGRATION } from '../sql/merchant-version-migration.js';

/**
 * Versioned SQLite migrations, applied in order inside one transaction each; the applied versions
 * are kept in schema_migrations. Never edit a released migration: add the next one.
 *
 * Money columns are INTEGER minor units. CHECK constraints make the database itself refuse a
 * refund or a shipment that would exceed the amount, whatever the code above it does.
 */
export const SQLITE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE merchants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  ip TEXT NOT NULL,
  return_url TEXT NOT NULL,
  notification_url TEXT,
  currency TEXT NOT NULL,
  secrets TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX merchants_created ON merchants (created_at, id);

CREATE TABLE transactions (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL REFERENCES merchants (id),
  kind TEXT NOT NULL CHECK (kind IN ('card', 'initial', 'shipment', 'link')),
  cid TEXT NOT NULL,
  idem_key TEXT,
  request_hash TEXT,
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'PAID', 'AUTHORISED', 'DECLINED', 'FAILED', 'CANCELLED')),
  amount INTEGER NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  refunded INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
  shipped INTEGER NOT NULL DEFAULT 0 CHECK (shipped >= 0 AND shipped <= amount),
  parent_id TEXT REFERENCES transactions (id),
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
  deadline_at TEXT,
  expires_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX transactions_idem ON transactions (merchant_id, idem_key) WHERE idem_key IS NOT NULL;
CREATE INDEX transactions_merchant_page ON transactions (merchant_id, created_at DESC, id DESC);
CREATE INDEX transactions_top_page ON transactions (merchant_id, created_at DESC, id DESC) WHERE parent_id IS NULL;
CREATE INDEX transactions_parent ON transactions (parent_id, created_at) WHERE parent_id IS NOT NULL;
CREATE INDEX transactions_pending ON transactions (deadline_at) WHERE status = 'PENDING';

CREATE TABLE refunds (
  id TEXT PRIMARY KEY,
  transaction_id TEXT NOT NULL REFERENCES transactions (id),
  merchant_id TEXT NOT NULL REFERENCES merchants (id),
  amount INTEGER NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX refunds_transaction ON refunds (transaction_id, created_at);

CREATE TABLE links (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL REFERENCES merchants (id),
  token_hash TEXT NOT NULL UNIQUE,
  payment_reference TEXT NOT NULL,
  consumer_reference TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  mode TEXT NOT NULL,
  request TEXT NOT NULL,
  callback_url TEXT NOT NULL,
  redirect_url TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'paid')),
  transaction_id TEXT REFERENCES transactions (id),
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (merchant_id, payment_reference)
);
CREATE INDEX links_merchant_page ON links (merchant_id, created_at DESC, id DESC);

-- Debits a link (multi_pay instalments, pay_later) takes later on the card token of its first payment.
CREATE TABLE scheduled_debits (
  id TEXT PRIMARY KEY,
  link_id TEXT NOT NULL REFERENCES links (id),
  merchant_id TEXT NOT NULL REFERENCES merchants (id),
  seq INTEGER NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  due_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('scheduled', 'paid', 'failed')),
  card_token TEXT,
  transaction_id TEXT REFERENCES transactions (id),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  claimed_until TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (link_id, seq)
);
CREATE INDEX scheduled_debits_due ON scheduled_debits (due_at) WHERE status = 'scheduled';

CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  url TEXT NOT NULL,
  content_type TEXT NOT NULL,
  body TEXT NOT NULL,
  headers TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  delivered_at TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL
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
    sql: `ALTER TABLE merchants ADD COLUMN disabled_at TEXT;`,
  },
  {
    version: 6,
    name: 'V4 shop numbers, request details and hosted-page details',
    // Every merchant gets its 8-digit V4 shop number: the ones registered before, in order of
    // registration from 10000001 (new ones draw theirs at random, see engine/local/merchants.ts).
    // v4_details keeps what a V4 payment request sent that its answers echo (JSON, no card number);
    // v4_form_details the same for an order paid later on the hosted page, until its token expires.
    sql: `
ALTER TABLE merchants ADD COLUMN shop_id TEXT;
UPDATE merchants SET shop_id = printf('%08d', 10000000 + (SELECT COUNT(*) FROM merchants m2 WHERE (m2.created_at, m2.id) <= (merchants.created_at, merchants.id)));
CREATE UNIQUE INDEX merchants_shop_id ON merchants (shop_id);
ALTER TABLE transactions ADD COLUMN v4_details TEXT;

-- What a V4 formToken's order sent that its payment echoes, too long to travel in the page's URL.
CREATE TABLE v4_form_details (
  nonce TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL,
  details TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX v4_form_details_expiry ON v4_form_details (expires_at);
`,
  },
  CID_PAGE_MIGRATION,
  eventsMigration('TEXT', (path) => `json_extract(body, '$.${path.join('.')}')`),
  SEAL_SECRETS_MIGRATION,
  SQLITE_TOTALS_MIGRATION,
  SQLITE_MERCHANT_VERSION_MIGRATION,
];
