import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EsipayError } from '../../../src/domain/errors.js';
import { openStore } from '../../../src/store/open-store.js';
import { keyIdOf, secretKeyFromEnv } from '../../../src/store/secret-key.js';
import type { Store } from '../../../src/store/store.js';
import { merchant } from '../../store/fixtures.js';

/**
 * Merchant secrets at rest (issue #14): what the database itself holds, read behind esipay's back
 * (better-sqlite3 or pg, not the store), after registration, rotation and the upgrade of a
 * database written in clear. Run on both adapters (sqlite.test.ts, postgres.test.ts).
 */
export interface RawHarness {
  name: string;
  fresh(): Promise<RawTestDatabase>;
}

export interface RawTestDatabase {
  /** What openStore takes. */
  location: string;
  /** Raw SQL on the database, not through esipay: the rows as the driver gives them. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** SQLite: the bytes of the database file and its WAL, free space included (PostgreSQL keeps its own files). */
  fileBytes?(): Buffer;
  cleanup(): Promise<void>;
}

const KEY = 'a1'.repeat(32);
const OTHER_KEY = 'b2'.repeat(32);
const keyed = (hex: string) => secretKeyFromEnv({ ESIPAY_SECRET_KEY: hex });
const at = '2030-01-01T00:00:00.000Z';

async function withDatabase(h: RawHarness, fn: (db: RawTestDatabase) => Promise<void>): Promise<void> {
  const db = await h.fresh();
  try {
    await fn(db);
  } finally {
    await db.cleanup();
  }
}

async function withStore<T>(location: string, secretKey: ReturnType<typeof keyed>, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(location, { secretKey });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** The merchants table and the settings as stored: every column of every row as one text. */
async function rawText(db: RawTestDatabase): Promise<string> {
  return JSON.stringify([...(await db.query('SELECT * FROM merchants')), ...(await db.query('SELECT * FROM settings'))]);
}

async function refusal(p: Promise<unknown>): Promise<EsipayError> {
  const e = await p.then(
    () => assert.fail('expected a refusal'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof EsipayError, `an EsipayError, not ${String(e)}`);
  return e;
}

export function sealedSecretsContract(h: RawHarness): void {
  describe(`merchant secrets sealed at rest: ${h.name}`, () => {
    test('registration and rotation leave no secret in clear in the database; the store reads them back', () =>
      withDatabase(h, async (db) => {
        const m = merchant(at, { secrets: ['whsec_registered_one'] });
        await withStore(db.location, keyed(KEY), async (s) => {
          await s.insertMerchant(m);
          await s.setMerchantSecrets(m.id, ['whsec_rotated_two', 'whsec_registered_one']);
          assert.deepEqual((await s.getMerchant(m.id))!.secrets, ['whsec_rotated_two', 'whsec_registered_one']);
          assert.deepEqual((await s.updateMerchant(m.id, { name: 'Renamed' }))!.secrets, ['whsec_rotated_two', 'whsec_registered_one']);
        });
        const raw = await rawText(db);
        assert.doesNotMatch(raw, /whsec_/);
        const [row] = await db.query('SELECT secrets FROM merchants');
        assert.match(String(row!.secrets), new RegExp(`^esk1:${keyIdOf(Buffer.from(KEY, 'hex'))}:[A-Za-z0-9_-]+$`));
        const [setting] = await db.query(`SELECT value FROM settings WHERE key = 'secret_key_id'`);
        assert.equal(setting!.value, keyIdOf(Buffer.from(KEY, 'hex')));
        // Another process with the same key reads them (nothing kept in the first one's memory).
        await withStore(db.location, keyed(KEY), async (s) =>
          assert.deepEqual((await s.getMerchant(m.id))!.secrets, ['whsec_rotated_two', 'whsec_registered_one']),
        );
      }));

    test('a database written in clear by an older esipay is sealed when it is opened, and keeps working', () =>
      withDatabase(h, async (db) => {
        const m = merchant(at, { secrets: ['whsec_old_plain'] });
        await withStore(db.location, keyed(KEY), async (s) => {
          await s.insertMerchant(m);
          for (let i = 0; i < 30; i++) await s.insertMerchant(merchant(at));
        });
        // Back to what version 8 wrote: the secrets in clear, migration 9 not applied, no key id.
        await db.query(`UPDATE merchants SET secrets = '["whsec_old_plain_' || id || '"]'`);
        await db.query(`UPDATE merchants SET secrets = '["whsec_old_plain"]' WHERE id = '${m.id}'`);
        await db.query('DELETE FROM schema_migrations WHERE version = 9');
        await db.query(`DELETE FROM settings WHERE key = 'secret_key_id'`);
        assert.match(await rawText(db), /whsec_old_plain/);
        if (db.fileBytes) assert.ok(db.fileBytes().includes('whsec_old_plain_'), 'the test reads the file as SQLite wrote it');

        await withStore(db.location, keyed(KEY), async (s) => {
          assert.deepEqual((await s.getMerchant(m.id))!.secrets, ['whsec_old_plain']);
          assert.ok((await s.migrationStatus()).applied.some((a) => a.version === 9));
        });
        assert.doesNotMatch(await rawText(db), /whsec_/);
        // Nor in the file's free space: the old cells are overwritten, not just unlinked.
        if (db.fileBytes) assert.ok(!db.fileBytes().includes('whsec_old_plain'), 'an old secret is still in the database file');
      }));

    test('a wrong key or no key fails at open with its own code, and changes nothing', () =>
      withDatabase(h, async (db) => {
        const m = merchant(at);
        await withStore(db.location, keyed(KEY), (s) => s.insertMerchant(m));
        const before = await rawText(db);

        const wrong = await refusal(openStore(db.location, { secretKey: keyed(OTHER_KEY) }));
        assert.equal(wrong.code, 'secret_key_mismatch');
        assert.equal(wrong.kind, 'unavailable');
        assert.match(wrong.message, new RegExp(`sealed under key ${keyIdOf(Buffer.from(KEY, 'hex'))}`));
        assert.doesNotMatch(`${wrong.message} ${wrong.hint}`, new RegExp(`${KEY}|${OTHER_KEY}`));
        assert.doesNotMatch(wrong.message, /\n/);

        const home = mkdtempSync(join(tmpdir(), 'esipay-nokey-'));
        try {
          const missing = await refusal(openStore(db.location, { secretKey: secretKeyFromEnv({ ESIPAY_HOME: home }) }));
          assert.equal(missing.code, 'secret_key_missing');
          assert.match(missing.message, /secret\.key/);
          // Opening does not make a key file: a new key could not open what is there anyway.
          assert.throws(() => statSync(join(home, 'secret.key')), /ENOENT/);
        } finally {
          rmSync(home, { recursive: true, force: true });
        }
        assert.equal(await rawText(db), before);
      }));

    test('a sealed value copied to another merchant row does not open there', () =>
      withDatabase(h, async (db) => {
        const victim = merchant(at, { secrets: ['whsec_victim'] });
        const attacker = merchant(at, { secrets: ['whsec_attacker'] });
        await withStore(db.location, keyed(KEY), async (s) => {
          await s.insertMerchant(victim);
          await s.insertMerchant(attacker);
          assert.deepEqual((await s.getMerchant(victim.id))!.secrets, ['whsec_victim']); // now in this store's cache
          await db.query(
            `UPDATE merchants SET secrets = (SELECT secrets FROM merchants WHERE id = '${victim.id}') WHERE id = '${attacker.id}'`,
          );
          const e = await refusal(s.getMerchant(attacker.id));
          assert.equal(e.code, 'merchant_secrets_unreadable');
          assert.doesNotMatch(e.message, /whsec_/);
          assert.deepEqual((await s.getMerchant(victim.id))!.secrets, ['whsec_victim']);
        });
      }));

    test('without ESIPAY_SECRET_KEY the key lives in a 0600 key file of the config directory, made once', () =>
      withDatabase(h, async (db) => {
        const home = mkdtempSync(join(tmpdir(), 'esipay-keyfile-'));
        const fromFile = () => secretKeyFromEnv({ ESIPAY_HOME: home });
        try {
          const m = merchant(at, { secrets: ['whsec_filed'] });
          await withStore(db.location, fromFile(), (s) => s.insertMerchant(m));
          const file = join(home, 'secret.key');
          assert.equal(statSync(file).mode & 0o777, 0o600);
          const key = readFileSync(file, 'utf8').trim();
          assert.match(key, /^[0-9a-f]{64}$/);
          assert.doesNotMatch(await rawText(db), new RegExp(`whsec_|${key}`));
          await withStore(db.location, fromFile(), async (s) => {
            await s.setMerchantSecrets(m.id, ['whsec_filed_two']);
            assert.deepEqual((await s.getMerchant(m.id))!.secrets, ['whsec_filed_two']);
          });
          assert.equal(readFileSync(file, 'utf8').trim(), key);
          // The same key given as ESIPAY_SECRET_KEY opens it too (how a second instance shares it).
          await withStore(db.location, keyed(key), async (s) =>
            assert.deepEqual((await s.getMerchant(m.id))!.secrets, ['whsec_filed_two']),
          );
        } finally {
          rmSync(home, { recursive: true, force: true });
        }
      }));
  });
}
