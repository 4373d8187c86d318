import { REFUNDABLE_KINDS } from '../../domain/decisions.js';
import type { Migration } from './migration.js';

/**
 * Migration 10: each merchant's running totals, kept by the database itself. Triggers on
 * `transactions` add every insert and every change of a column the totals read (status, kind,
 * amount, refunded, shipped, expires_at) to two small tables, in the same database transaction as
 * the write by construction: no write path has to remember them, and no extra round trip.
 *
 * - merchant_totals: one row per merchant and slot; counts by stored status (PAID split by what
 *   was refunded) and the paid and refunded sums. Reading sums the slots.
 * - merchant_expiry_totals: the AUTHORISED rows with an end (expires_at) by the UTC day they end:
 *   how many, and what the initial ones may still ship. What remains to ship at `now` is the days
 *   after today's (summed from this table) plus today's rows still unexpired (read from the rows,
 *   on a partial index): a read that grows with the days an authorisation lasts, never with the
 *   history. See totals.ts.
 *
 * The slot: SQLite has one writer, one slot (0). On PostgreSQL several instances write at once;
 * one row per merchant would make every payment of a merchant wait on its row lock until the
 * writer commits. There each merchant has up to POSTGRES_SLOTS rows, the slot being the writer's
 * backend pid modulo that number: one database transaction touches one slot row per merchant, so
 * two writers never take two slot rows in opposite orders (the transaction id's hash would put a
 * shipment and its parent on two slots in either order, a deadlock waiting to happen). On
 * PostgreSQL the triggers are also DEFERRABLE INITIALLY DEFERRED: the slot row is locked at
 * commit, after every row lock the transaction takes, and held only for the commit.
 *
 * Sums are exact: PostgreSQL NUMERIC (no bound). SQLite INTEGER is 64-bit: past 2^63 - 1 minor
 * units (92 quadrillion euros) its `+` would turn to a float, so a CHECK refuses that (the write
 * fails, nothing is rounded), as SQLite's own SUM fails rather than round.
 */
export const POSTGRES_SLOTS = 16;

/** The columns of merchant_totals fed by one transaction row, each a SQL expression of that row. */
function rowContribution(r: string): Record<string, string> {
  const is = (cond: string) => `CASE WHEN ${cond} THEN 1 ELSE 0 END`;
  const kinds = REFUNDABLE_KINDS.map((k) => `'${k}'`).join(', ');
  return {
    count: '1',
    n_pending: is(`${r}status = 'PENDING'`),
    n_paid: is(`${r}status = 'PAID'`),
    n_partially_refunded: is(`${r}status = 'PAID' AND ${r}refunded > 0 AND ${r}refunded < ${r}amount`),
    n_refunded: is(`${r}status = 'PAID' AND ${r}refunded > 0 AND ${r}refunded >= ${r}amount`),
    n_authorised: is(`${r}status = 'AUTHORISED'`),
    n_authorised_ending: is(`${r}status = 'AUTHORISED' AND ${r}expires_at IS NOT NULL`),
    n_declined: is(`${r}status = 'DECLINED'`),
    n_failed: is(`${r}status = 'FAILED'`),
    n_cancelled: is(`${r}status = 'CANCELLED'`),
    paid: `CASE WHEN ${r}status = 'PAID' AND ${r}kind IN (${kinds}) THEN ${r}amount ELSE 0 END`,
    refunded: `CASE WHEN ${r}status = 'PAID' THEN ${r}refunded ELSE 0 END`,
  };
}

export const TOTALS_COLUMNS = Object.keys(rowContribution(''));
const SUM_COLUMNS = new Set(['paid', 'refunded']);

/** A row in merchant_expiry_totals: AUTHORISED with an end. */
const ENDING = (r: string) => `${r}status = 'AUTHORISED' AND ${r}expires_at IS NOT NULL`;
const TO_SHIP = (r: string) => `CASE WHEN ${r}kind = 'initial' THEN ${r}amount - ${r}shipped ELSE 0 END`;
const DAY = (r: string) => `substr(${r}expires_at, 1, 10)`;

/** Adds (sign 1) or takes away (-1) what `r` puts in merchant_totals, on `slot`. */
function totalsUpsert(slot: string, deltas: Record<string, string>, r: string, currency: 'sqlite' | 'postgres'): string {
  const cols = Object.keys(deltas);
  // The currency of the merchant's transactions (all in its currency), as MAX(currency) read it.
  const cur =
    currency === 'sqlite'
      ? `currency = CASE WHEN currency IS NULL OR excluded.currency > currency THEN excluded.currency ELSE currency END`
      : `currency = GREATEST(merchant_totals.currency, excluded.currency)`;
  const prefix = currency === 'sqlite' ? '' : 'merchant_totals.';
  return `INSERT INTO merchant_totals (merchant_id, slot, currency, ${cols.join(', ')})
  VALUES (${r}merchant_id, ${slot}, ${r}currency, ${cols.map((c) => deltas[c]).join(', ')})
  ON CONFLICT (merchant_id, slot) DO UPDATE SET ${cur}, ${cols.map((c) => `${c} = ${prefix}${c} + excluded.${c}`).join(', ')}`;
}

function expiryUpsert(slot: string, r: string, sign: '' | '-', dialect: 'sqlite' | 'postgres'): string {
  const prefix = dialect === 'sqlite' ? '' : 'merchant_expiry_totals.';
  // WHERE: only a row that is in the table; also what SQLite's parser needs before ON CONFLICT.
  return `INSERT INTO merchant_expiry_totals (merchant_id, expires_day, slot, n_authorised, to_ship)
  SELECT ${r}merchant_id, ${DAY(r)}, ${slot}, ${sign}1, ${sign}(${TO_SHIP(r)}) WHERE ${ENDING(r)}
  ON CONFLICT (merchant_id, expires_day, slot) DO UPDATE SET
    n_authorised = ${prefix}n_authorised + excluded.n_authorised, to_ship = ${prefix}to_ship + excluded.to_ship`;
}

/** What a write adds to merchant_totals: an insert all of NEW; an update NEW less OLD (its count stays). */
function totalsDeltas(op: 'insert' | 'update'): Record<string, string> {
  const now = rowContribution('NEW.');
  if (op === 'insert') return now;
  const was = rowContribution('OLD.');
  // merchant_id and currency never change (no write path sets them): the delta goes to NEW's merchant.
  return Object.fromEntries(TOTALS_COLUMNS.filter((c) => c !== 'count').map((c) => [c, `(${now[c]}) - (${was[c]})`]));
}

/**
 * SQLite: the triggers. The expiry ones are apart, with a WHEN, so that a write that does not
 * concern merchant_expiry_totals (most: card payments) runs one statement, not three (measured:
 * the statements that find nothing to do still cost their execution).
 */
function sqliteTriggers(): string {
  const changed = CHANGED.replaceAll('IS DISTINCT FROM', 'IS NOT');
  const onUpdate = `AFTER UPDATE OF ${READ_COLUMNS.join(', ')} ON transactions`;
  return `
CREATE TRIGGER transactions_totals_insert AFTER INSERT ON transactions BEGIN
  ${totalsUpsert('0', totalsDeltas('insert'), 'NEW.', 'sqlite')};
END;
CREATE TRIGGER transactions_expiry_insert AFTER INSERT ON transactions WHEN ${ENDING('NEW.')} BEGIN
  ${expiryUpsert('0', 'NEW.', '', 'sqlite')};
END;
CREATE TRIGGER transactions_totals_update ${onUpdate} WHEN ${changed} BEGIN
  ${totalsUpsert('0', totalsDeltas('update'), 'NEW.', 'sqlite')};
END;
CREATE TRIGGER transactions_expiry_update ${onUpdate} WHEN (${changed}) AND ((${ENDING('OLD.')}) OR (${ENDING('NEW.')})) BEGIN
  ${expiryUpsert('0', 'OLD.', '-', 'sqlite')};
  ${expiryUpsert('0', 'NEW.', '', 'sqlite')};
END;`;
}

/**
 * PostgreSQL: the function body. Its slot row is there after a connection's first write to the
 * merchant, so an UPDATE first (an upsert pays a speculative insertion each time) and the upsert
 * only when it found none; the expiry statements only for the rows they concern. Measured: the
 * statements that find nothing to do still cost their execution, each.
 */
function postgresBody(op: 'insert' | 'update'): string {
  const d = totalsDeltas(op);
  const cols = Object.keys(d);
  const update = `UPDATE merchant_totals SET currency = GREATEST(currency, NEW.currency), ${cols.map((c) => `${c} = ${c} + ${d[c]}`).join(', ')}
    WHERE merchant_id = NEW.merchant_id AND slot = slot_no`;
  const lines = [`${update};`, `IF NOT FOUND THEN ${totalsUpsert('slot_no', d, 'NEW.', 'postgres')}; END IF;`];
  if (op === 'update') lines.push(`IF ${ENDING('OLD.')} THEN ${expiryUpsert('slot_no', 'OLD.', '-', 'postgres')}; END IF;`);
  lines.push(`IF ${ENDING('NEW.')} THEN ${expiryUpsert('slot_no', 'NEW.', '', 'postgres')}; END IF;`);
  return `DECLARE slot_no integer := pg_backend_pid() % ${POSTGRES_SLOTS};
BEGIN
  ${lines.join('\n  ')}
  RETURN NULL;
END`;
}

/** The columns whose change can change the totals: the UPDATE trigger fires only then. */
const READ_COLUMNS = ['status', 'kind', 'amount', 'refunded', 'shipped', 'expires_at'];
const CHANGED = READ_COLUMNS.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join(' OR ');

function tables(count: string, sum: string, text: string, check: (col: string) => string): string {
  const col = (c: string) => `${c} ${SUM_COLUMNS.has(c) ? sum : count} NOT NULL DEFAULT 0${check(c)}`;
  return `
CREATE TABLE merchant_totals (
  merchant_id ${text} NOT NULL,
  slot INTEGER NOT NULL,
  currency TEXT,
  ${TOTALS_COLUMNS.map(col).join(',\n  ')},
  PRIMARY KEY (merchant_id, slot)
);
CREATE TABLE merchant_expiry_totals (
  merchant_id ${text} NOT NULL,
  expires_day ${text} NOT NULL,
  slot INTEGER NOT NULL,
  ${col('n_authorised')},
  to_ship ${sum} NOT NULL DEFAULT 0${check('to_ship')},
  PRIMARY KEY (merchant_id, expires_day, slot)
);
-- Today's unexpired authorisations are read from the rows (totals.ts), and the AUTHORISED/EXPIRED
-- filters of a listing use it too.
CREATE INDEX transactions_authorised_expiry ON transactions (merchant_id, expires_at) WHERE status = 'AUTHORISED';
`;
}

/** The totals of the rows already there, all on slot 0. */
function backfill(): string {
  const c = rowContribution('');
  return `
INSERT INTO merchant_totals (merchant_id, slot, currency, ${TOTALS_COLUMNS.join(', ')})
  SELECT merchant_id, 0, MAX(currency), ${TOTALS_COLUMNS.map((k) => (k === 'count' ? 'COUNT(*)' : `SUM(${c[k]})`)).join(', ')}
  FROM transactions GROUP BY merchant_id;
INSERT INTO merchant_expiry_totals (merchant_id, expires_day, slot, n_authorised, to_ship)
  SELECT merchant_id, ${DAY('')}, 0, COUNT(*), SUM(${TO_SHIP('')})
  FROM transactions WHERE ${ENDING('')} GROUP BY merchant_id, ${DAY('')};
`;
}

export const SQLITE_TOTALS_MIGRATION: Migration = {
  version: 10,
  name: 'running totals per merchant',
  sql: `${tables('INTEGER', 'INTEGER', 'TEXT', (c) => ` CHECK (typeof(${c}) = 'integer')`)}
${sqliteTriggers()}
${backfill()}`,
};

export const POSTGRES_TOTALS_MIGRATION: Migration = {
  version: 10,
  name: 'running totals per merchant',
  // The lock first: no write lands between the triggers' creation and the backfill's read (other
  // instances wait for this migration's commit, then write through the triggers).
  sql: `
LOCK TABLE transactions IN SHARE ROW EXCLUSIVE MODE;
${tables('BIGINT', 'NUMERIC', 'TEXT COLLATE "C"', () => '')}
CREATE FUNCTION transactions_totals_insert() RETURNS trigger LANGUAGE plpgsql AS $fn$
${postgresBody('insert')}
$fn$;
CREATE FUNCTION transactions_totals_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
${postgresBody('update')}
$fn$;
CREATE CONSTRAINT TRIGGER transactions_totals_insert AFTER INSERT ON transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION transactions_totals_insert();
CREATE CONSTRAINT TRIGGER transactions_totals_update AFTER UPDATE OF ${READ_COLUMNS.join(', ')} ON transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (${CHANGED}) EXECUTE FUNCTION transactions_totals_update();
${backfill()}`,
};
