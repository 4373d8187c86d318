import type { Migration } from './migration.js';

/**
 * Migration 11: every merchant row has a version that the database itself raises on each change
 * (a secret rotated, the merchant disabled, its return URL patched, by this instance or another),
 * whatever statement makes it. A payment can then use a merchant read earlier and have its insert
 * check, in the same statement, that the row is still at that version (Store.insertPayment): the
 * read before every payment, a round trip on PostgreSQL, is gone, and nothing decides on a
 * merchant that changed meanwhile.
 */
const NAME = 'merchant row versions';

export const SQLITE_MERCHANT_VERSION_MIGRATION: Migration = {
  version: 11,
  name: NAME,
  // recursive_triggers is off (SQLite's default, never set here): the trigger's own UPDATE does
  // not fire it again, and its WHEN lets a statement that sets the version itself stand.
  sql: `
ALTER TABLE merchants ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER merchants_version AFTER UPDATE ON merchants WHEN NEW.version = OLD.version BEGIN
  UPDATE merchants SET version = OLD.version + 1 WHERE id = NEW.id;
END;
`,
};

export const POSTGRES_MERCHANT_VERSION_MIGRATION: Migration = {
  version: 11,
  name: NAME,
  sql: `
ALTER TABLE merchants ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
CREATE FUNCTION merchants_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  NEW.version := OLD.version + 1;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER merchants_version BEFORE UPDATE ON merchants FOR EACH ROW EXECUTE FUNCTION merchants_version();
`,
};
