import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import type { Migration } from '../../src/store/sql/migration.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { assertTotalsRecounted } from '../contract/store/totals-check.js';
import { migrateBelow, type RawDatabase, rawPostgres, rawSqlite } from '../helpers/raw-databases.js';
import { initial, merchant, refund, shipment, ticker, transaction } from './fixtures.js';

/**
 * Migration 10 on a database that already holds a history: the running totals start from the
 * rows there (the backfill), then the triggers carry them on; both equal the recount.
 */
for (const [name, raw, migrations] of [
  ['SQLite', () => rawSqlite('esipay-totals-migration-'), SQLITE_MIGRATIONS],
  ['PostgreSQL', () => rawPostgres('totals_migration'), POSTGRES_MIGRATIONS],
] as [string, () => Promise<RawDatabase>, Migration[]][]) {
  describe(`migration 10 on ${name}`, () => {
    let db: RawDatabase;
    after(() => db?.cleanup());

    it('starts the running totals from the rows already there, and the writes after it carry them on', async () => {
      db = await raw();
      await migrateBelow(db, migrations, 10);
      const tick = ticker();
      const a = merchant(tick());
      const b = merchant(tick(), { currency: 'JPY' });
      const empty = merchant(tick());
      const init = initial(a, tick(), { amount: 9000, expiresAt: '2030-01-02T12:00:00.000Z' });
      const paid = transaction(a, tick(), { amount: 1000 });
      // The history, written before migration 10 (no triggers yet).
      const before = await openStore(db.location, { migrate: false });
      try {
        for (const m of [a, b, empty]) await before.insertMerchant(m);
        await before.insertTransaction(paid);
        await before.insertTransaction(transaction(a, tick(), { amount: 500, status: 'DECLINED' }));
        await before.insertTransaction(transaction(b, tick(), { amount: 700 }));
        await before.insertTransaction(init);
        await before.insertTransaction(initial(a, tick(), { amount: 100, expiresAt: '2000-01-01T00:00:00.000Z' }));
        assert.equal((await before.addRefund(refund(paid, 300, tick()))).ok, true);
        assert.equal((await before.addShipment(shipment(init, 2000, tick()), tick())).ok, true);
      } finally {
        await before.close();
      }

      const store = await openStore(db.location);
      try {
        assert.equal((await store.migrationStatus()).pending.length, 0);
        for (const m of [a, b, empty]) await assertTotalsRecounted(store, m.id);
        assert.equal((await store.merchantTotals(a.id, '2030-01-01T00:00:00.000Z')).toShip, '7000');
        assert.equal((await store.merchantTotals(b.id, '2030-01-01T00:00:00.000Z')).currency, 'JPY');
        // After it: the triggers add to what the backfill started.
        assert.equal((await store.addRefund(refund(paid, 700, tick()))).ok, true);
        assert.equal((await store.addShipment(shipment(init, 500, tick()), tick())).ok, true);
        await store.insertTransaction(transaction(b, tick(), { amount: 1 }));
        for (const m of [a, b, empty]) await assertTotalsRecounted(store, m.id);
        const totals = await store.merchantTotals(a.id, '2030-01-01T00:00:00.000Z');
        assert.deepEqual([totals.paid, totals.refunded, totals.toShip, totals.byStatus.REFUNDED], ['3500', '1000', '6500', 1]);
      } finally {
        await store.close();
      }
    });
  });
}
