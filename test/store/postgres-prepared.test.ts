import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { StatementNames } from '../../src/store/postgres/prepared.js';
import type { Store } from '../../src/store/store.js';
import { type RawDatabase, rawPostgres } from '../helpers/raw-databases.js';
import { merchant, ticker, transaction } from './fixtures.js';

// The PostgreSQL store prepares a payment's statements once per connection (prepared.ts). A
// prepared `SELECT *` or `RETURNING *` is refused by the server once the table's columns change
// ("cached plan must not change result type"): what another instance's migration does to this
// one while it runs. The store must go on answering.

let db: RawDatabase;
let store: Store;
before(async () => {
  db = await rawPostgres('prepared');
  store = await openStore(db.location);
});
after(async () => {
  await store?.close();
  await db?.cleanup();
});

test("columns added under a running store (another instance's migration) do not break its prepared statements", async () => {
  const tick = ticker();
  const m = merchant(tick());
  await store.insertMerchant(m);
  const txs = Array.from({ length: 12 }, () => transaction(m, tick(), { status: 'PENDING' }));
  // Many at once, so several of the pool's connections prepare them.
  await Promise.all(txs.map((t) => store.insertTransaction(t)));
  await Promise.all(txs.map(() => store.getMerchant(m.id)));
  await Promise.all(txs.map((t) => store.getTransaction(t.id)));

  await db.exec('ALTER TABLE merchants ADD COLUMN added_later TEXT');
  await db.exec('ALTER TABLE transactions ADD COLUMN added_later TEXT');

  const merchants = await Promise.all(txs.map(() => store.getMerchant(m.id)));
  for (const got of merchants) assert.deepEqual(got, m);
  const read = await Promise.all(txs.map((t) => store.getTransaction(t.id)));
  read.forEach((got, i) => assert.equal(got?.id, txs[i]!.id));
  const paid = await Promise.all(
    txs.map((t) =>
      store.transitionTransaction(t.id, ['PENDING'], { status: 'PAID', authCode: 'A1B2C3', deadlineAt: null, updatedAt: tick() }),
    ),
  );
  for (const got of paid) assert.equal(got?.status, 'PAID');
  // And once more, each connection having met the change by now.
  assert.deepEqual(await store.getMerchant(m.id), m);
});

test('ESIPAY_PG_PREPARE=off sends every statement unnamed; on names each distinct statement once', () => {
  const saved = process.env.ESIPAY_PG_PREPARE;
  try {
    process.env.ESIPAY_PG_PREPARE = 'off';
    assert.equal(new StatementNames().of('SELECT 1'), undefined);
    delete process.env.ESIPAY_PG_PREPARE;
    const names = new StatementNames();
    const a = names.of('SELECT 1');
    assert.ok(a);
    assert.equal(names.of('SELECT 1'), a);
    assert.notEqual(names.of('SELECT 2'), a);
  } finally {
    if (saved === undefined) delete process.env.ESIPAY_PG_PREPARE;
    else process.env.ESIPAY_PG_PREPARE = saved;
  }
});
