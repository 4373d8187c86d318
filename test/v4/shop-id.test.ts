import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import type { Migration } from '../../src/store/sql/migration.js';
import { type RawDatabase, rawPostgres, rawSqlite } from '../helpers/raw-databases.js';
import { initialRequest, startV4Service, type V4Service } from './service.js';

/** The merchant's 8-digit shop number: its own, shown as the V4 shopId, taken as the V4 Basic-auth user. */

describe('V4 shop numbers', () => {
  let svc: V4Service;
  before(async () => {
    svc = await startV4Service();
  });
  after(() => svc.close());

  it('gives every merchant a shop number of its own, shown at registration and by merchant show', async () => {
    const others = await Promise.all(Array.from({ length: 20 }, () => svc.addMerchant()));
    const all = [svc.merchant, ...others];
    for (const m of all) assert.match(m.shopId ?? '', /^[1-9]\d{7}$/);
    assert.equal(new Set(all.map((m) => m.shopId)).size, all.length);
    assert.equal((await svc.engine.getMerchant(svc.merchant.uuid)).shopId, svc.merchant.shopId);
  });

  it('takes the shop number as the Basic-auth user beside the uuid, with the same secrets', async () => {
    const { shopId, secret, uuid } = svc.merchant;
    const byShop = await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'by-shop' }), { as: { uuid: shopId!, secret } });
    assert.equal(byShop.body.status, 'SUCCESS', JSON.stringify(byShop.answer));
    assert.equal(byShop.answer.shopId, shopId);
    const byUuid = await svc.call('Order/Get', { orderId: 'by-shop' }, { as: { uuid, secret } });
    assert.equal(byUuid.answer.transactions[0].uuid, byShop.answer.transactions[0].uuid, 'the same merchant either way');

    const other = await svc.addMerchant();
    for (const as of [
      { uuid: shopId!, secret: 'whsec_wrong' },
      { uuid: shopId!, secret: other.secret },
      { uuid: other.shopId!, secret },
      { uuid: '00000000', secret },
      { uuid: '1234567', secret },
    ]) {
      const r = await svc.call('Transaction/Get', { uuid: byShop.answer.transactions[0].uuid }, { as });
      assert.equal(r.httpStatus, 401, JSON.stringify(as));
      assert.equal(r.answer.errorCode, 'ESI_401');
    }
  });
});

/** Migration 6 on a database made before it: each merchant gets a shop number, in order of registration. */
for (const [name, raw, migrations] of [
  ['SQLite', () => rawSqlite('esipay-shop-id-'), SQLITE_MIGRATIONS],
  ['PostgreSQL', () => rawPostgres('shop_id'), POSTGRES_MIGRATIONS],
] as [string, () => Promise<RawDatabase>, Migration[]][]) {
  describe(`migration 6 on ${name}`, () => {
    let db: RawDatabase;
    before(async () => (db = await raw()));
    after(() => db.cleanup());

    it('numbers the merchants registered before it from 10000001, oldest first', async () => {
      const earlier = migrations.filter((m) => m.version < 6);
      await db.exec(
        [
          'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);',
          ...earlier.map((m) => `${m.sql};\nINSERT INTO schema_migrations VALUES (${m.version}, '${m.name}', '2030-01-01T00:00:00.000Z');`),
          ...['b', 'a', 'c'].map(
            (n, i) =>
              `INSERT INTO merchants (id, name, ip, return_url, notification_url, currency, secrets, created_at) VALUES ('00000000-0000-4000-8000-00000000000${n}', '${n}', '127.0.0.1', 'http://127.0.0.1:9/r', NULL, 'EUR', '["whsec_x"]', '2030-01-0${i + 1}T00:00:00.000Z');`,
          ),
        ].join('\n'),
      );
      const store = await openStore(db.location);
      try {
        const shops = await Promise.all(
          ['b', 'a', 'c'].map(async (n) => (await store.getMerchant(`00000000-0000-4000-8000-00000000000${n}`))?.shopId),
        );
        assert.deepEqual(shops, ['10000001', '10000002', '10000003']);
        assert.equal((await store.getMerchantByShopId('10000002'))?.name, 'a');
      } finally {
        await store.close();
      }
    });
  });
}
