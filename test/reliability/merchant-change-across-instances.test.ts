import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifySignature } from '../../src/callback/signature.js';
import { isEsipayError } from '../../src/domain/errors.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { freshPostgresDatabase } from '../helpers/postgres.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { tempSqlite } from '../helpers/sqlite.js';

/**
 * An engine keeps the merchants it read for payments and lets each payment's insert check the
 * merchant is unchanged (engine/local/merchant-cache.ts). Here two engines share one database, as
 * two `esipay serve` instances or a CLI beside a service do: whatever one changes about a merchant,
 * the other's next payment follows, though it read that merchant before the change.
 */
const setups: { name: string; open: () => Promise<{ location: string; cleanup: () => Promise<void> }> }[] = [
  {
    name: 'SQLite',
    open: async () => {
      const t = tempSqlite();
      return { location: t.db, cleanup: async () => t.cleanup() };
    },
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const d = await freshPostgresDatabase('merchant_change');
      return { location: d.url, cleanup: () => d.drop() };
    },
  },
];

/** The store, counting the merchant reads payments make. */
function counted(store: Store): { store: Store; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'getMerchantVersioned' && typeof value === 'function') {
        return (...args: unknown[]) => {
          reads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, reads: () => reads };
}

for (const setup of setups) {
  describe(`a merchant changed by another instance (${setup.name})`, () => {
    let db: { location: string; cleanup: () => Promise<void> };
    let a: LocalEngine;
    let b: LocalEngine;
    let reads: () => number;
    let first: Receiver;
    let second: Receiver;
    let n = 0;

    before(async () => {
      db = await setup.open();
      const s = counted(await openStore(db.location));
      reads = s.reads;
      a = await LocalEngine.create(s.store, { callbackTimeoutMs: 2_000 });
      b = await LocalEngine.create(await openStore(db.location), { callbackTimeoutMs: 2_000 });
      first = await startReceiver(200);
      second = await startReceiver(200);
    });
    after(async () => {
      await a.close();
      await b.close();
      await first.close();
      await second.close();
      await db.cleanup();
    });

    const payOn = (engine: LocalEngine, merchant: string) =>
      engine.pay({ merchant, cid: `change-${++n}`, card: { number: '4111111111111111', month: '12', year: '2030' }, amount: '10.00' });

    it('pays on a merchant read once; a disable, a secret rotated and a new return URL from the other instance are followed at once', async () => {
      const m = await b.registerMerchant({ name: 'Boutique', ip: '127.0.0.1', returnUrl: `${first.url}/paid` });
      for (let i = 0; i < 3; i++) assert.equal((await payOn(a, m.uuid)).status, 'PAID');
      assert.equal(reads(), 1, 'three payments, one read of their merchant');

      await b.disableMerchant(m.uuid);
      await assert.rejects(payOn(a, m.uuid), (e) => isEsipayError(e) && e.code === 'merchant_disabled');
      assert.equal((await a.listTransactions({ merchant: m.uuid })).items.length, 3, 'nothing recorded while disabled');

      await b.enableMerchant(m.uuid);
      const rotated = await b.rotateMerchantSecret(m.uuid, { expirePrevious: true });
      assert.equal((await payOn(a, m.uuid)).status, 'PAID');
      const cb = first.received.at(-1)!;
      const header = String(cb.headers['esipay-signature']);
      assert.ok(verifySignature(cb.body, header, [rotated.secret]).ok, 'signed with the secret the other instance made');
      assert.equal(verifySignature(cb.body, header, [m.secret]).ok, false, 'not with the expired one');

      await b.updateMerchant(m.uuid, { returnUrl: `${second.url}/paid` });
      assert.equal((await payOn(a, m.uuid)).status, 'PAID');
      assert.equal(first.received.length, 4, 'the old return URL is no longer called');
      assert.equal(second.received.length, 1);
    });
  });
}
