import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { EsipayError } from '../../src/domain/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { safeInteger } from '../../src/store/postgres/pool.js';
import type { Store } from '../../src/store/store.js';
import { freshPostgresDatabase, type FreshDatabase } from '../helpers/postgres.js';
import { merchant, ticker, transaction } from './fixtures.js';

// What only the PostgreSQL adapter has to get right: its connection failures, int8 parsing, its
// own database-level guards.

let db: FreshDatabase;
let store: Store;
before(async () => {
  db = await freshPostgresDatabase('edges');
  store = await openStore(db.url);
});
after(async () => {
  await store?.close();
  await db?.drop();
});

test('an unreachable PostgreSQL is "unavailable", in one line, without the password', async () => {
  const err = await openStore('postgres://esipay:s3cret-pw@127.0.0.1:1/esipay').then(
    () => assert.fail('opened a database on a closed port'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EsipayError, String(err));
  assert.equal(err.kind, 'unavailable');
  assert.equal(err.code, 'store_unavailable');
  assert.doesNotMatch(err.message, /s3cret/);
  assert.doesNotMatch(err.message, /\n/);
  assert.match(err.message, /ECONNREFUSED/);
});

test('a database that does not exist is "unavailable" too', async () => {
  const url = new URL(db.url);
  url.pathname = '/esipay_no_such_database';
  const err = await openStore(url.toString()).then(
    () => assert.fail('opened a missing database'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EsipayError);
  assert.equal(err.kind, 'unavailable');
  assert.match(err.message, /does not exist/);
});

test('int8 values are read as numbers only when they are safe integers', () => {
  assert.equal(safeInteger('0'), 0);
  assert.equal(safeInteger('-42'), -42);
  assert.equal(safeInteger(String(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
  assert.throws(() => safeInteger('9007199254740993'), /not a safe integer/);
  assert.throws(() => safeInteger('12.5'), /not an integer/);
});

test('an amount beyond the safe integers in the database is refused on read, not rounded', async () => {
  const tick = ticker();
  const m = merchant(tick());
  await store.insertMerchant(m);
  const t = transaction(m, tick());
  await store.insertTransaction(t);
  const raw = new pg.Client({ connectionString: db.url });
  await raw.connect();
  try {
    await raw.query('UPDATE transactions SET amount = 9007199254740993 WHERE id = $1', [t.id]);
  } finally {
    await raw.end();
  }
  await assert.rejects(store.getTransaction(t.id), /not a safe integer/);
});

test('the database itself refuses a refunded or shipped sum above the amount (CHECK constraints)', async () => {
  const tick = ticker('2030-02-01T00:00:00.000Z');
  const m = merchant(tick());
  await store.insertMerchant(m);
  const t = transaction(m, tick(), { amount: 100 });
  await store.insertTransaction(t);
  const raw = new pg.Client({ connectionString: db.url });
  await raw.connect();
  try {
    await assert.rejects(raw.query('UPDATE transactions SET refunded = 101 WHERE id = $1', [t.id]), /check constraint/);
    await assert.rejects(raw.query('UPDATE transactions SET shipped = 101 WHERE id = $1', [t.id]), /check constraint/);
  } finally {
    await raw.end();
  }
  assert.equal((await store.getTransaction(t.id))!.refunded, 0);
});
