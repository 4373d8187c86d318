import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TransactionRecord } from '../../../src/domain/types.js';
import type { Store } from '../../../src/store/store.js';
import { statusCounts } from '../../../src/verify/totals-recount.js';
import { assertAllTotalsRecounted, assertTotalsRecounted, TOTALS_TIMES } from './totals-check.js';
import { debit, initial, link, merchant, message, refund, shipment, ticker, transaction } from '../../store/fixtures.js';

/**
 * What every Store adapter must do, run against each of them (sqlite.test.ts, postgres.test.ts),
 * beside the engine contract one level up. Concurrency cases go through several stores on one database (several
 * connections, or several pools for PostgreSQL), as several `esipay serve` instances would.
 */
export interface StoreHarness {
  name: string;
  /** A new, empty database for one test. */
  fresh(): Promise<TestDatabase>;
}

export interface TestDatabase {
  /** One more store (its own connection or pool) on this database; migrated unless told otherwise. */
  open(opts?: { migrate?: boolean }): Promise<Store>;
  /** Removes the database. */
  cleanup(): Promise<void>;
}

/** Opens `count` stores on a fresh database, runs fn, then closes them and removes the database. */
async function withStores(h: StoreHarness, count: number, fn: (stores: Store[], db: TestDatabase) => Promise<void>): Promise<void> {
  const db = await h.fresh();
  const stores: Store[] = [];
  try {
    for (let i = 0; i < count; i++) stores.push(await db.open());
    await fn(stores, db);
    // Whatever the case wrote, every merchant's running totals (migration 10) equal the recount of its rows.
    const check = await db.open();
    try {
      await assertAllTotalsRecounted(check);
    } finally {
      await check.close();
    }
  } finally {
    for (const s of stores) await s.close();
    await db.cleanup();
  }
}

export const one = (h: StoreHarness, fn: (s: Store, db: TestDatabase) => Promise<void>) => () => withStores(h, 1, ([s], db) => fn(s!, db));
export const many = (h: StoreHarness, count: number, fn: (stores: Store[]) => Promise<void>) => () => withStores(h, count, fn);

/** The i-th of several stores, round-robin: spreads concurrent calls over connections. */
export const pick = (stores: Store[], i: number): Store => stores[i % stores.length]!;

export function storeContract(h: StoreHarness): void {
  describe(`Store contract: ${h.name}`, () => {
    describe('migrations', () => {
      test('a new database has every migration pending, migrate applies them all, a second migrate changes nothing', async () => {
        const db = await h.fresh();
        const s = await db.open({ migrate: false });
        try {
          const before = await s.migrationStatus();
          assert.equal(before.current, 0);
          assert.ok(before.latest >= 1);
          assert.deepEqual(before.applied, []);
          // Versions are numbered ahead by feature, so the list may have gaps: every one pending, the last the latest.
          assert.equal(before.pending.at(-1)?.version, before.latest);
          assert.deepEqual(before.pending[0], { version: 1, name: 'initial schema' });

          const after = await s.migrate();
          assert.equal(after.current, after.latest);
          assert.deepEqual(after.pending, []);
          assert.deepEqual(
            after.applied.map((a) => a.version),
            before.pending.map((p) => p.version),
          );
          for (const a of after.applied) assert.match(a.appliedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

          const again = await s.migrate();
          assert.deepEqual(again, after);
          assert.deepEqual(await s.migrationStatus(), after);
        } finally {
          await s.close();
          await db.cleanup();
        }
      });

      test('several stores migrating one new database at once apply each migration exactly once', async () => {
        const db = await h.fresh();
        const stores = await Promise.all([1, 2, 3, 4].map(() => db.open({ migrate: false })));
        try {
          const results = await Promise.all(stores.map((s) => s.migrate()));
          const first = results[0]!;
          assert.equal(first.current, first.latest);
          for (const r of results) assert.deepEqual(r, first);
          assert.equal(new Set(first.applied.map((a) => a.version)).size, first.applied.length);
        } finally {
          for (const s of stores) await s.close();
          await db.cleanup();
        }
      });
    });

    describe('settings', () => {
      test(
        'initSetting keeps the first value, even against a concurrent writer; setSetting overwrites',
        many(h, 2, async (stores) => {
          const [a, b] = stores as [Store, Store];
          assert.equal(await a.getSetting('card_hash_key'), undefined);
          const values = await Promise.all(Array.from({ length: 10 }, (_, i) => pick(stores, i).initSetting('card_hash_key', `v${i}`)));
          assert.equal(new Set(values).size, 1, 'every caller sees the one value that won');
          assert.equal(await b.getSetting('card_hash_key'), values[0]);
          await b.setSetting('card_hash_key', 'replaced');
          assert.equal(await a.getSetting('card_hash_key'), 'replaced');
          assert.equal(await a.initSetting('card_hash_key', 'ignored'), 'replaced');
        }),
      );
    });

    describe('merchants', () => {
      test(
        'a merchant reads back exactly as written; an unknown one is undefined; secrets can be replaced',
        one(h, async (s) => {
          const m = merchant('2030-01-01T00:00:00.000Z', { notificationUrl: 'http://127.0.0.1:9/ipn', secrets: ['whsec_b', 'whsec_a'] });
          await s.insertMerchant(m);
          assert.deepEqual(await s.getMerchant(m.id), m);
          assert.equal(await s.getMerchant('00000000-0000-0000-0000-000000000000'), undefined);
          await s.setMerchantSecrets(m.id, ['whsec_c', 'whsec_b']);
          assert.deepEqual((await s.getMerchant(m.id))!.secrets, ['whsec_c', 'whsec_b']);
        }),
      );

      test(
        'listMerchants pages oldest first on (createdAt, id), ties broken by id, each merchant once',
        one(h, async (s) => {
          const tick = ticker();
          const sameTime = tick();
          const all = [merchant(sameTime), merchant(sameTime), merchant(sameTime), merchant(tick()), merchant(tick())];
          for (const m of [...all].reverse()) await s.insertMerchant(m);
          const expected = [...all].sort((x, y) => (x.createdAt + x.id < y.createdAt + y.id ? -1 : 1)).map((m) => m.id);
          const seen: string[] = [];
          let after: { createdAt: string; id: string } | undefined;
          for (;;) {
            const page = await s.listMerchants({ limit: 2, ...(after ? { after } : {}) });
            if (page.length === 0) break;
            assert.ok(page.length <= 2);
            seen.push(...page.map((m) => m.id));
            const last = page.at(-1)!;
            after = { createdAt: last.createdAt, id: last.id };
          }
          assert.deepEqual(seen, expected);
        }),
      );
    });

    describe('transactions', () => {
      test(
        'a transaction reads back exactly as written, large safe amounts included',
        one(h, async (s) => {
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          const full = transaction(m, tick(), {
            idemKey: 'card:order-1',
            amount: Number.MAX_SAFE_INTEGER,
            refunded: 0,
            status: 'PENDING',
            deadlineAt: '2030-01-01T00:01:00.000Z',
            email: 'a@example.com',
            reason: null,
          });
          assert.deepEqual(await s.insertTransaction(full), { inserted: true });
          assert.deepEqual(await s.getTransaction(full.id), full);
          assert.deepEqual(await s.findTransactionByIdemKey(m.id, 'card:order-1'), full);
          assert.equal(await s.findTransactionByIdemKey(m.id, 'card:order-2'), undefined);
          assert.equal(await s.getTransaction('f'.repeat(32)), undefined);
        }),
      );

      test(
        'the same idempotency key returns the first transaction untouched; no key never conflicts',
        one(h, async (s) => {
          const tick = ticker();
          const m = merchant(tick());
          const other = merchant(tick());
          await s.insertMerchant(m);
          await s.insertMerchant(other);
          const first = transaction(m, tick(), { idemKey: 'card:A', amount: 100 });
          const retry = transaction(m, tick(), { idemKey: 'card:A', amount: 999 });
          assert.deepEqual(await s.insertTransaction(first), { inserted: true });
          assert.deepEqual(await s.insertTransaction(retry), { inserted: false, existing: first });
          assert.equal(await s.getTransaction(retry.id), undefined);
          // The key is per merchant; a transaction without a key never conflicts.
          assert.deepEqual(await s.insertTransaction(transaction(other, tick(), { idemKey: 'card:A' })), { inserted: true });
          assert.deepEqual(await s.insertTransaction(transaction(m, tick(), { cid: first.cid })), { inserted: true });
          assert.deepEqual(await s.insertTransaction(transaction(m, tick(), { cid: first.cid })), { inserted: true });
        }),
      );

      test(
        'insertPayment writes only at the merchant version it was decided on; any change to the merchant, from any store, moves it on',
        many(h, 2, async ([s, other]) => {
          const tick = ticker();
          const m = merchant(tick());
          await s!.insertMerchant(m);
          const read = (await s!.getMerchantVersioned(m.id))!;
          assert.deepEqual(read.merchant, m);
          assert.equal(await s!.getMerchantVersioned('00000000-0000-0000-0000-000000000000'), undefined);

          const first = transaction(m, tick(), { idemKey: 'card:V1' });
          assert.deepEqual(await s!.insertPayment(first, read.version), { inserted: true });
          // The same key at the same version: the first payment, untouched.
          assert.deepEqual(await s!.insertPayment(transaction(m, tick(), { idemKey: 'card:V1', amount: 7 }), read.version), {
            inserted: false,
            existing: first,
          });

          // Each kind of change, made through another store (another instance), raises the version.
          const changes: [string, () => Promise<unknown>][] = [
            ['secrets rotated', () => other!.setMerchantSecrets(m.id, ['whsec_new', ...m.secrets])],
            ['disabled', () => other!.updateMerchant(m.id, { disabledAt: tick() })],
            ['return URL patched', () => other!.updateMerchant(m.id, { returnUrl: 'http://127.0.0.1:9/elsewhere' })],
          ];
          let version = read.version;
          for (const [what, change] of changes) {
            await change();
            const now = (await s!.getMerchantVersioned(m.id))!;
            assert.ok(now.version > version, `${what}: the version moved on`);
            const stale = transaction(m, tick(), { idemKey: `card:${what}` });
            assert.deepEqual(await s!.insertPayment(stale, version), { inserted: false, merchantChanged: true }, what);
            assert.equal(await s!.getTransaction(stale.id), undefined, `${what}: nothing written`);
            // Even a key already taken answers "changed" first: the caller decides again on a fresh read.
            assert.deepEqual(await s!.insertPayment(transaction(m, tick(), { idemKey: 'card:V1' }), version), {
              inserted: false,
              merchantChanged: true,
            });
            assert.deepEqual(await s!.insertPayment(stale, now.version), { inserted: true }, `${what}: at the new version`);
            version = now.version;
          }
          const unknown = transaction({ ...m, id: '00000000-0000-0000-0000-000000000000' }, tick());
          assert.deepEqual(await s!.insertPayment(unknown, version), { inserted: false, merchantChanged: true }, 'no such merchant');
        }),
      );

      test(
        'concurrent inserts with one idempotency key from several stores: exactly one is inserted, all see it',
        many(h, 3, async (stores) => {
          const tick = ticker();
          const m = merchant(tick());
          await stores[0]!.insertMerchant(m);
          const at = tick();
          const candidates = Array.from({ length: 30 }, () => transaction(m, at, { idemKey: 'card:same' }));
          const results = await Promise.all(candidates.map((t, i) => pick(stores, i).insertTransaction(t)));
          const winners = candidates.filter((_, i) => results[i]!.inserted);
          assert.equal(winners.length, 1);
          for (const r of results) if (!r.inserted) assert.deepEqual(r.existing, winners[0]);
          const listed = await stores[1]!.listTransactions({ merchantId: m.id, limit: 100 });
          assert.deepEqual(
            listed.map((t) => t.id),
            [winners[0]!.id],
          );
        }),
      );

      test(
        'insertTransaction queues its outbox message in the same write: with the row, never with a replay, never alone',
        many(h, 3, async (stores) => {
          const [s] = stores as [Store];
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          const ipns = async () => (await s.listOutbox({ merchantId: m.id, limit: 100 })).map((x) => x.body);
          const ipnOf = (t: TransactionRecord) => message(m.id, t.createdAt, t.createdAt, { body: `ipn of ${t.id}` });

          const first = transaction(m, tick(), { kind: 'initial', status: 'AUTHORISED', idemKey: 'initial:A' });
          const firstIpn = ipnOf(first);
          assert.deepEqual(await s.insertTransaction(first, { outbox: firstIpn }), { inserted: true });
          assert.deepEqual(await s.listOutbox({ merchantId: m.id, limit: 100 }), [firstIpn]);
          // A replay of the key: the first transaction stands and nothing more is queued.
          const retry = transaction(m, tick(), { kind: 'initial', status: 'AUTHORISED', idemKey: 'initial:A' });
          assert.deepEqual(await s.insertTransaction(retry, { outbox: ipnOf(retry) }), { inserted: false, existing: first });
          assert.deepEqual(await ipns(), [`ipn of ${first.id}`]);
          const noKey = transaction(m, tick(), { kind: 'initial', status: 'DECLINED' });
          assert.deepEqual(await s.insertTransaction(noKey, { outbox: ipnOf(noKey) }), { inserted: true });
          assert.deepEqual(await ipns(), [`ipn of ${first.id}`, `ipn of ${noKey.id}`]);

          // Racing inserts of one key from several stores: only the winner's message is queued.
          const at = tick();
          const racers = Array.from({ length: 8 }, () =>
            transaction(m, at, { kind: 'initial', status: 'AUTHORISED', idemKey: 'initial:race' }),
          );
          const results = await Promise.all(racers.map((t, i) => pick(stores, i).insertTransaction(t, { outbox: ipnOf(t) })));
          const winners = racers.filter((_, i) => results[i]!.inserted);
          assert.equal(winners.length, 1);
          assert.deepEqual(
            (await ipns()).filter((b) => racers.some((t) => b === `ipn of ${t.id}`)),
            [`ipn of ${winners[0]!.id}`],
          );

          // The message's write fails after the row's (its id is taken): neither is stored.
          const doomed = transaction(m, tick(), { kind: 'initial', status: 'AUTHORISED', idemKey: 'initial:B' });
          const before = await ipns();
          await assert.rejects(s.insertTransaction(doomed, { outbox: { ...ipnOf(doomed), id: firstIpn.id } }));
          assert.equal(await s.getTransaction(doomed.id), undefined, 'no payment without its message');
          assert.equal(await s.findTransactionByIdemKey(m.id, 'initial:B'), undefined);
          assert.deepEqual(await ipns(), before);
          // And the key is still free: the retry writes both.
          assert.deepEqual(await s.insertTransaction(doomed, { outbox: ipnOf(doomed) }), { inserted: true });
          assert.deepEqual((await ipns()).at(-1), `ipn of ${doomed.id}`);
        }),
      );

      test(
        'transitionTransaction is a compare-and-set: only from the given statuses, one winner under concurrency',
        many(h, 2, async (stores) => {
          const [s] = stores as [Store];
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          const t = transaction(m, tick(), {
            status: 'PENDING',
            authCode: null,
            callbackStatus: null,
            deadlineAt: '2030-01-01T01:00:00.000Z',
          });
          await s.insertTransaction(t);

          const paidAt = tick();
          const paid = await s.transitionTransaction(t.id, ['PENDING'], {
            status: 'PAID',
            authCode: 'XYZ',
            callbackStatus: 200,
            deadlineAt: null,
            updatedAt: paidAt,
          });
          assert.deepEqual(paid, { ...t, status: 'PAID', authCode: 'XYZ', callbackStatus: 200, deadlineAt: null, updatedAt: paidAt });
          assert.equal(await s.transitionTransaction(t.id, ['PENDING'], { status: 'CANCELLED', updatedAt: tick() }), undefined);
          assert.deepEqual(await s.getTransaction(t.id), paid);
          assert.equal(await s.transitionTransaction('f'.repeat(32), ['PENDING'], { status: 'PAID', updatedAt: tick() }), undefined);

          const race = transaction(m, tick(), { status: 'PENDING' });
          await s.insertTransaction(race);
          const outcomes = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              pick(stores, i).transitionTransaction(race.id, ['PENDING'], {
                status: i % 2 ? 'PAID' : 'CANCELLED',
                reason: `attempt ${i}`,
                updatedAt: tick(),
              }),
            ),
          );
          const won = outcomes.filter((o) => o !== undefined);
          assert.equal(won.length, 1);
          assert.deepEqual(await s.getTransaction(race.id), won[0]);
        }),
      );

      test(
        'listTransactions: newest first, keyset pages, kinds, top level and children filters',
        one(h, async (s) => {
          const tick = ticker();
          const m = merchant(tick());
          const other = merchant(tick());
          await s.insertMerchant(m);
          await s.insertMerchant(other);
          const same = tick();
          const cards = [transaction(m, same), transaction(m, same), transaction(m, tick()), transaction(m, tick())];
          const init = initial(m, tick());
          for (const t of [...cards, init]) await s.insertTransaction(t);
          await s.insertTransaction(transaction(other, tick()));
          const ships: TransactionRecord[] = [];
          for (let i = 0; i < 3; i++) {
            const sh = shipment(init, 100, tick(), { idemKey: `ship-${i}` });
            const r = await s.addShipment(sh, tick());
            assert.equal(r.ok, true);
            ships.push(sh);
          }
          const all = [...cards, init, ...ships];
          const newestFirst = [...all].sort((x, y) => (x.createdAt + x.id > y.createdAt + y.id ? -1 : 1)).map((t) => t.id);

          const seen: string[] = [];
          let before: { createdAt: string; id: string } | undefined;
          for (;;) {
            const page = await s.listTransactions({ merchantId: m.id, limit: 3, ...(before ? { before } : {}) });
            if (page.length === 0) break;
            seen.push(...page.map((t) => t.id));
            before = { createdAt: page.at(-1)!.createdAt, id: page.at(-1)!.id };
          }
          assert.deepEqual(seen, newestFirst);

          const top = await s.listTransactions({ merchantId: m.id, limit: 100, topLevel: true });
          assert.deepEqual(
            top.map((t) => t.id),
            newestFirst.filter((id) => !ships.some((x) => x.id === id)),
          );
          const children = await s.listTransactions({ merchantId: m.id, limit: 100, parentId: init.id });
          assert.deepEqual(
            children.map((t) => t.id),
            [...ships].reverse().map((x) => x.id),
          );
          const onlyCards = await s.listTransactions({ merchantId: m.id, limit: 100, kinds: ['card'] });
          assert.deepEqual(new Set(onlyCards.map((t) => t.id)), new Set(cards.map((t) => t.id)));
          const several = await s.listTransactions({ merchantId: m.id, limit: 100, kinds: ['initial', 'shipment'] });
          assert.equal(several.length, 4);
          assert.deepEqual(
            (await s.listShipments(init.id)).map((x) => x.id),
            ships.map((x) => x.id),
          );
          const byCid = await s.listTransactions({ merchantId: m.id, limit: 100, cid: cards[2]!.cid });
          assert.deepEqual(
            byCid.map((t) => t.id),
            [cards[2]!.id],
          );
          assert.deepEqual(await s.listTransactions({ merchantId: other.id, limit: 100, cid: cards[2]!.cid }), []);
        }),
      );

      test(
        'merchantTotals sums paid, refunded and what remains to ship on authorisations unexpired at the given time',
        one(h, async (s) => {
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          assert.deepEqual(await s.merchantTotals(m.id, tick()), {
            paid: '0',
            refunded: '0',
            toShip: '0',
            count: 0,
            currency: null,
            byStatus: statusCounts({}),
          });
          const paid = transaction(m, tick(), { amount: 1000 });
          await s.insertTransaction(paid);
          await s.insertTransaction(transaction(m, tick(), { amount: 500, status: 'DECLINED' }));
          await s.insertTransaction(initial(m, tick(), { amount: 3000, expiresAt: '2999-01-01T00:00:00.000Z' }));
          await s.insertTransaction(initial(m, tick(), { amount: 7000, expiresAt: '2000-01-01T00:00:00.000Z' }));
          assert.equal((await s.addRefund(refund(paid, 250, tick()))).ok, true);
          assert.deepEqual(await s.merchantTotals(m.id, tick()), {
            paid: '1000',
            refunded: '250',
            toShip: '3000',
            count: 4,
            currency: 'EUR',
            byStatus: statusCounts({ PARTIALLY_REFUNDED: 1, DECLINED: 1, AUTHORISED: 1, EXPIRED: 1 }),
          });
          // The caller's now, not the machine's: the same rows once the 2999 authorisation has expired too.
          assert.deepEqual(await s.merchantTotals(m.id, '2999-06-01T00:00:00.000Z'), {
            paid: '1000',
            refunded: '250',
            toShip: '0',
            count: 4,
            currency: 'EUR',
            byStatus: statusCounts({ PARTIALLY_REFUNDED: 1, DECLINED: 1, EXPIRED: 2 }),
          });
          assert.equal((await s.merchantTotals(m.id, '1999-01-01T00:00:00.000Z')).toShip, '10000');
        }),
      );

      test(
        'merchantTotals equals the recount of the rows after every kind of write, at every time around the expiries',
        one(h, async (s) => {
          const tick = ticker();
          const m = merchant(tick());
          const other = merchant(tick());
          await s.insertMerchant(m);
          await s.insertMerchant(other);
          // One authorisation ends at noon on 2030-01-02: read that day before and after, and the day before.
          const noon = '2030-01-02T12:00:00.000Z';
          const times = [...TOTALS_TIMES, '2030-01-02T11:59:59.999Z', noon, '2030-01-02T12:00:00.001Z', '2030-01-01T23:00:00.000Z'];
          const check = async (what: string) => {
            await assertTotalsRecounted(s, m.id, times).catch((e: Error) => assert.fail(`after ${what}: ${e.message}`));
          };
          await check('nothing');
          const card = transaction(m, tick(), { amount: 1000 });
          await s.insertTransaction(card);
          await s.insertTransaction(transaction(other, tick(), { amount: 99 }));
          await check('a payment');
          const pending = transaction(m, tick(), { amount: 700, status: 'PENDING', deadlineAt: tick() });
          await s.insertTransaction(pending);
          await check('a pending payment');
          await s.transitionTransaction(pending.id, ['PENDING'], { status: 'PAID', updatedAt: tick() });
          await check('PENDING → PAID');
          const cancelled = transaction(m, tick(), { amount: 300, status: 'PENDING', deadlineAt: '2030-01-01T00:00:00.100Z' });
          await s.insertTransaction(cancelled);
          assert.deepEqual(await s.cancelAbandonedPayments('2030-01-01T00:00:01.000Z'), [cancelled.id]);
          await check('a payment cancelled by the sweep');
          assert.equal((await s.addRefund(refund(card, 400, tick()))).ok, true);
          await check('a partial refund');
          assert.equal((await s.addKeyedRefund(refund(card, 600, tick()), { idemKey: 'k1', requestHash: 'h1' })).ok, true);
          await check('the refund of the rest (keyed)');
          const init = initial(m, tick(), { amount: 5000, expiresAt: noon });
          await s.insertTransaction(init);
          await check('an initial authorisation');
          const ship = await s.addShipment(shipment(init, 1200, tick()), tick());
          assert.equal(ship.ok, true);
          await check('a shipment');
          const refused = await s.addShipment(shipment(init, 800, tick(), { status: 'PENDING', deadlineAt: tick() }), tick());
          assert.equal(refused.ok, true);
          await check('a shipment under way');
          await s.releaseShipment(refused.ok ? refused.shipment.id : '', {
            status: 'DECLINED',
            reason: 'card_declined',
            updatedAt: tick(),
          });
          await check('a refused shipment released');
          const verifying = initial(m, tick(), { amount: 2500, status: 'PENDING', expiresAt: null, deadlineAt: tick() });
          await s.insertTransaction(verifying);
          await s.settlePending(verifying.id, { status: 'AUTHORISED', expiresAt: '2030-01-02T06:00:00.000Z', updatedAt: tick() });
          await check('an initial verification settled with its end');
          const l = link(m, tick(), { mode: 'multi_pay', amount: 3000 });
          await s.insertLink(l);
          const attempt = transaction(m, tick(), { kind: 'link', amount: 1000, status: 'PENDING', deadlineAt: tick() });
          await s.insertTransaction(attempt);
          const settled = await s.settleLinkPayment({
            linkId: l.id,
            transactionId: attempt.id,
            patch: { status: 'PAID', updatedAt: tick() },
            debits: [debit(l, 2, '2030-02-01T00:00:00.000Z', tick()), debit(l, 3, '2030-03-01T00:00:00.000Z', tick())],
            callback: message(m.id, tick(), tick(), { topic: 'link.paid' }),
          });
          assert.equal(settled?.status, 'PAID');
          await check('a link paid');
          const later = transaction(m, tick(), { kind: 'link', amount: 1000, status: 'AUTHORISED', expiresAt: noon });
          await s.insertTransaction(later);
          await check('a pay_later authorisation');
          await assertTotalsRecounted(s, other.id, times);
        }),
      );
    });

    describe('running totals', () => {
      test(
        'concurrent writes of one merchant over several stores (instances) keep its running totals exact, without deadlock',
        many(h, 4, async (stores) => {
          const tick = ticker();
          const m = merchant(tick());
          await stores[0]!.insertMerchant(m);
          const all = (n: number, fn: (s: Store, i: number) => Promise<unknown>) =>
            Promise.all(Array.from({ length: n }, (_, i) => fn(pick(stores, i), i)));
          const payments = Array.from({ length: 48 }, (_, i) =>
            transaction(m, tick(), {
              amount: 1000 + i,
              status: 'PENDING',
              deadlineAt: i % 4 === 3 ? '2030-01-01T00:00:00.000Z' : '2999-01-01T00:00:00.000Z',
            }),
          );
          const inits = Array.from({ length: 8 }, (_, i) =>
            initial(m, tick(), { amount: 10_000, expiresAt: i % 2 ? '2031-01-01T00:00:00.000Z' : '2030-01-01T08:00:00.000Z' }),
          );
          await all(payments.length + inits.length, (s, i) => s.insertTransaction(payments[i] ?? inits[i - payments.length]!));
          // Settle, refund, ship and sweep at once: each write's totals land on its connection's slot.
          await Promise.all([
            all(payments.length, (s, i) =>
              i % 4 === 3
                ? s.cancelAbandonedPayments('2030-01-01T00:00:01.000Z')
                : s.transitionTransaction(payments[i]!.id, ['PENDING'], { status: i % 4 === 2 ? 'DECLINED' : 'PAID', updatedAt: tick() }),
            ),
            all(32, (s, i) => s.addShipment(shipment(inits[i % inits.length]!, 1000 + i, tick()), '2030-01-01T00:00:00.000Z')),
          ]);
          await all(48, (s, i) => s.addRefund(refund(payments[i % 24 < 12 ? (i % 12) * 4 : (i % 12) * 4 + 1]!, 300, tick())));
          await assertTotalsRecounted(stores[0]!, m.id);
          const totals = await stores[1]!.merchantTotals(m.id, '2030-01-01T00:00:00.000Z');
          assert.equal(totals.count, payments.length + inits.length + 32);
          assert.equal(totals.byStatus.CANCELLED, 12);
          assert.equal(totals.byStatus.DECLINED, 12);
        }),
      );
    });

    describe('refunds', () => {
      test(
        'a refund grows the refunded sum and is listed; every refusal says why and changes nothing',
        one(h, async (s) => {
          const tick = ticker();
          const m = merchant(tick());
          const other = merchant(tick());
          await s.insertMerchant(m);
          await s.insertMerchant(other);
          const t = transaction(m, tick(), { amount: 1000 });
          await s.insertTransaction(t);

          const r1 = refund(t, 400, tick());
          const ok = await s.addRefund(r1);
          assert.ok(ok.ok);
          assert.equal(ok.transaction.refunded, 400);
          assert.equal(ok.transaction.updatedAt, r1.createdAt);

          const over = await s.addRefund(refund(t, 601, tick()));
          assert.equal(over.ok, false);
          assert.equal(!over.ok && over.reason, 'exceeds_remaining');
          assert.equal(!over.ok && over.transaction?.refunded, 400);

          assert.deepEqual(await s.addRefund(refund({ ...t, id: 'f'.repeat(32) }, 1, tick())), { ok: false, reason: 'not_found' });
          assert.deepEqual(await s.addRefund({ ...refund(t, 1, tick()), merchantId: other.id }), { ok: false, reason: 'not_found' });

          const pending = transaction(m, tick(), { status: 'PENDING' });
          const init = initial(m, tick());
          await s.insertTransaction(pending);
          await s.insertTransaction(init);
          for (const x of [pending, init]) {
            const r = await s.addRefund(refund(x, 1, tick()));
            assert.equal(!r.ok && r.reason, 'not_refundable');
          }

          const r2 = refund(t, 600, tick());
          assert.equal((await s.addRefund(r2)).ok, true);
          assert.deepEqual(await s.listRefunds(t.id), [r1, r2]);
          assert.equal((await s.getTransaction(t.id))!.refunded, 1000);
          assert.equal((await s.addRefund(refund(t, 1, tick()))).ok, false);
          assert.deepEqual(await s.listRefunds(pending.id), []);
        }),
      );

      test(
        '50 concurrent partial refunds over several stores never exceed the amount: exactly the ones that fit succeed',
        many(h, 3, async (stores) => {
          const tick = ticker();
          const m = merchant(tick());
          await stores[0]!.insertMerchant(m);
          const t = transaction(m, tick(), { amount: 10_000 });
          await stores[0]!.insertTransaction(t);
          const at = tick();
          const results = await Promise.all(Array.from({ length: 50 }, (_, i) => pick(stores, i).addRefund(refund(t, 300, at))));
          const succeeded = results.filter((r) => r.ok).length;
          assert.equal(succeeded, Math.floor(10_000 / 300)); // 33 × 3.00 fit in 100.00, the 34th would not
          for (const r of results) if (!r.ok) assert.equal(r.reason, 'exceeds_remaining');
          const after = (await stores[1]!.getTransaction(t.id))!;
          assert.equal(after.refunded, succeeded * 300);
          const listed = await stores[2]!.listRefunds(t.id);
          assert.equal(listed.length, succeeded);
          assert.equal(
            listed.reduce((sum, r) => sum + r.amount, 0),
            after.refunded,
          );
        }),
      );

      test(
        'concurrent refunds of varied amounts: refunded equals the sum of those that succeeded, every refused one was too big',
        many(h, 3, async (stores) => {
          const tick = ticker();
          const m = merchant(tick());
          await stores[0]!.insertMerchant(m);
          const t = transaction(m, tick(), { amount: 5_000 });
          await stores[0]!.insertTransaction(t);
          const amounts = Array.from({ length: 50 }, (_, i) => 37 + ((i * 97) % 400)); // sum ≈ 11 000 > 5 000
          assert.ok(amounts.reduce((a, b) => a + b, 0) > t.amount);
          const records = amounts.map((a) => refund(t, a, tick()));
          const results = await Promise.all(records.map((r, i) => pick(stores, i).addRefund(r)));
          const okAmounts = amounts.filter((_, i) => results[i]!.ok);
          const refusedAmounts = amounts.filter((_, i) => !results[i]!.ok);
          const after = (await stores[0]!.getTransaction(t.id))!;
          assert.ok(after.refunded <= after.amount);
          assert.equal(
            after.refunded,
            okAmounts.reduce((a, b) => a + b, 0),
          );
          const remaining = after.amount - after.refunded;
          // A refund is refused only when it did not fit; what remains only shrinks, so it still does not.
          for (const a of refusedAmounts) assert.ok(a > remaining, `${a} was refused although ${remaining} remains`);
          const listed = await stores[1]!.listRefunds(t.id);
          assert.deepEqual(new Set(listed.map((r) => r.id)), new Set(records.filter((_, i) => results[i]!.ok).map((r) => r.id)));
        }),
      );
    });

    describe('shipments', () => {
      test(
        'a shipment is recorded under its authorisation; a retry with its key replays it, other data with the key is refused',
        one(h, async (s) => {
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          const init = initial(m, tick(), { amount: 1000 });
          await s.insertTransaction(init);

          const first = shipment(init, 300, tick(), { idemKey: 'ship:k1', requestHash: 'h1' });
          const r = await s.addShipment(first, tick());
          assert.ok(r.ok && !r.replayed);
          assert.deepEqual(r.shipment, first);
          assert.equal(r.parent.shipped, 300);
          assert.deepEqual(await s.getTransaction(first.id), first);

          const retry = await s.addShipment({ ...shipment(init, 300, tick(), { idemKey: 'ship:k1', requestHash: 'h1' }) }, tick());
          assert.ok(retry.ok && retry.replayed);
          assert.deepEqual(retry.shipment, first);
          assert.equal(retry.parent.shipped, 300);

          const mismatch = await s.addShipment(shipment(init, 200, tick(), { idemKey: 'ship:k1', requestHash: 'h2' }), tick());
          assert.equal(!mismatch.ok && mismatch.reason, 'duplicate_mismatch');
          assert.deepEqual(!mismatch.ok && mismatch.existing, first);
          assert.equal((await s.getTransaction(init.id))!.shipped, 300);
        }),
      );

      test(
        'every refusal of a shipment says why and records nothing',
        one(h, async (s) => {
          const tick = ticker();
          const m = merchant(tick());
          const other = merchant(tick());
          await s.insertMerchant(m);
          await s.insertMerchant(other);
          const init = initial(m, tick(), { amount: 1000, expiresAt: '2030-06-01T00:00:00.000Z' });
          const card = transaction(m, tick());
          const declined = initial(m, tick(), { status: 'DECLINED' });
          for (const t of [init, card, declined]) await s.insertTransaction(t);
          const now = '2030-02-01T00:00:00.000Z';
          const reason = async (sh: TransactionRecord, at = now) => {
            const r = await s.addShipment(sh, at);
            return r.ok ? 'ok' : r.reason;
          };
          assert.equal(await reason(shipment({ ...init, id: 'f'.repeat(32) }, 1, tick())), 'not_found');
          assert.equal(await reason(shipment(init, 1, tick(), { parentId: null })), 'not_found');
          assert.equal(await reason(shipment(init, 1, tick(), { merchantId: other.id })), 'not_found');
          assert.equal(await reason(shipment(card, 1, tick())), 'not_initial');
          assert.equal(await reason(shipment(declined, 1, tick())), 'not_authorised');
          assert.equal(await reason(shipment(init, 1, tick()), '2030-06-01T00:00:00.000Z'), 'expired');
          assert.equal(await reason(shipment(init, 1001, tick())), 'exceeds_remaining');
          assert.deepEqual(await s.listShipments(init.id), []);
          assert.equal((await s.getTransaction(init.id))!.shipped, 0);
          assert.equal(await reason(shipment(init, 1000, tick())), 'ok');
          assert.equal(await reason(shipment(init, 1, tick())), 'exceeds_remaining');
        }),
      );

      test(
        '50 concurrent shipments over several stores never exceed the authorisation',
        many(h, 3, async (stores) => {
          const tick = ticker();
          const m = merchant(tick());
          await stores[0]!.insertMerchant(m);
          const init = initial(m, tick(), { amount: 10_000 });
          await stores[0]!.insertTransaction(init);
          const now = tick();
          const ships = Array.from({ length: 50 }, (_, i) => shipment(init, 700, now, { idemKey: `ship:${i}` }));
          const results = await Promise.all(ships.map((sh, i) => pick(stores, i).addShipment(sh, now)));
          const ok = results.filter((r) => r.ok);
          assert.equal(ok.length, Math.floor(10_000 / 700));
          for (const r of results) if (!r.ok) assert.equal(r.reason, 'exceeds_remaining');
          const parent = (await stores[1]!.getTransaction(init.id))!;
          assert.equal(parent.shipped, ok.length * 700);
          const listed = await stores[2]!.listShipments(init.id);
          assert.equal(
            listed.reduce((sum, x) => sum + x.amount, 0),
            parent.shipped,
          );
        }),
      );

      test(
        'concurrent retries of one shipment key record it once and replay it to everyone else',
        many(h, 3, async (stores) => {
          const tick = ticker();
          const m = merchant(tick());
          await stores[0]!.insertMerchant(m);
          const init = initial(m, tick(), { amount: 1000 });
          await stores[0]!.insertTransaction(init);
          const now = tick();
          // The whole authorisation at once: a retry that waited must be a replay, not "exceeds remaining".
          const tries = Array.from({ length: 20 }, () => shipment(init, 1000, now, { idemKey: 'ship:once', requestHash: 'same' }));
          const results = await Promise.all(tries.map((sh, i) => pick(stores, i).addShipment(sh, now)));
          for (const r of results) assert.equal(r.ok, true, JSON.stringify(!r.ok && r.reason));
          const fresh = results.filter((r) => r.ok && !r.replayed);
          assert.equal(fresh.length, 1);
          const recorded = (fresh[0] as { shipment: TransactionRecord }).shipment;
          for (const r of results) assert.deepEqual(r.ok && r.shipment, recorded);
          assert.equal((await stores[0]!.getTransaction(init.id))!.shipped, 1000);
          assert.deepEqual(
            (await stores[1]!.listShipments(init.id)).map((x) => x.id),
            [recorded.id],
          );
        }),
      );

      test(
        'releaseShipment gives a refused PENDING shipment back to its authorisation, once, even when raced',
        many(h, 3, async (stores) => {
          const [s] = stores as [Store];
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          const init = initial(m, tick(), { amount: 1000 });
          await s.insertTransaction(init);
          const pending = shipment(init, 600, tick(), { status: 'PENDING', authCode: null, idemKey: 'ship:p' });
          const paid = shipment(init, 300, tick(), { status: 'PAID', idemKey: 'ship:q' });
          assert.equal((await s.addShipment(pending, tick())).ok, true);
          assert.equal((await s.addShipment(paid, tick())).ok, true);
          assert.equal((await s.getTransaction(init.id))!.shipped, 900);

          const at = tick();
          const outcomes = await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              pick(stores, i).releaseShipment(pending.id, { status: 'DECLINED', reason: 'card_declined', updatedAt: at }),
            ),
          );
          const released = outcomes.filter((o) => o !== undefined);
          assert.equal(released.length, 1);
          assert.deepEqual(released[0], { ...pending, status: 'DECLINED', reason: 'card_declined', updatedAt: at });
          assert.deepEqual(await s.getTransaction(pending.id), released[0]);
          assert.equal((await s.getTransaction(init.id))!.shipped, 300);
          // Only a PENDING shipment can be released.
          assert.equal(await s.releaseShipment(paid.id, { status: 'FAILED', reason: 'x', updatedAt: tick() }), undefined);
          assert.equal(await s.releaseShipment(init.id, { status: 'FAILED', reason: 'x', updatedAt: tick() }), undefined);
          assert.equal((await s.getTransaction(init.id))!.shipped, 300);
          // What was given back can be shipped again.
          assert.equal((await s.addShipment(shipment(init, 700, tick()), tick())).ok, true);
        }),
      );
    });

    describe('abandoned payments', () => {
      test(
        'only PENDING payments past their deadline are cancelled, each reported by one of several concurrent callers',
        many(h, 3, async (stores) => {
          const tick = ticker();
          const m = merchant(tick());
          await stores[0]!.insertMerchant(m);
          const now = '2030-01-02T00:00:00.000Z';
          const late = Array.from({ length: 12 }, () =>
            transaction(m, tick(), { status: 'PENDING', deadlineAt: '2030-01-01T12:00:00.000Z' }),
          );
          const onTime = transaction(m, tick(), { status: 'PENDING', deadlineAt: '2030-01-03T00:00:00.000Z' });
          const paid = transaction(m, tick(), { status: 'PAID', deadlineAt: '2030-01-01T12:00:00.000Z' });
          for (const t of [...late, onTime, paid]) await stores[0]!.insertTransaction(t);

          const reports = await Promise.all(Array.from({ length: 6 }, (_, i) => pick(stores, i).cancelAbandonedPayments(now)));
          const ids = reports.flat();
          assert.equal(ids.length, late.length, 'no payment is reported twice');
          assert.deepEqual(new Set(ids), new Set(late.map((t) => t.id)));
          for (const t of late) {
            const after = (await stores[1]!.getTransaction(t.id))!;
            assert.equal(after.status, 'CANCELLED');
            assert.match(after.reason ?? '', /abandoned/);
            assert.equal(after.updatedAt, now);
          }
          assert.equal((await stores[0]!.getTransaction(onTime.id))!.status, 'PENDING');
          assert.equal((await stores[0]!.getTransaction(paid.id))!.status, 'PAID');
          assert.deepEqual(await stores[0]!.cancelAbandonedPayments(now), []);
        }),
      );

      test(
        'an abandoned shipment gives its amount back to its initial in the same write, once among concurrent callers; a late settle finds it cancelled',
        many(h, 3, async (stores) => {
          const tick = ticker();
          const m = merchant(tick());
          const [s] = stores as [Store];
          await s.insertMerchant(m);
          const init = initial(m, tick(), { amount: 1000 });
          await s.insertTransaction(init);
          const now = '2030-01-02T00:00:00.000Z';
          const add = async (deadlineAt: string) => {
            const sh = shipment(init, 100, tick(), { status: 'PENDING', deadlineAt });
            assert.equal((await s.addShipment(sh, tick())).ok, true);
            return sh;
          };
          const late = [];
          for (let i = 0; i < 6; i++) late.push(await add('2030-01-01T12:00:00.000Z'));
          const onTime = await add('2030-01-03T00:00:00.000Z');
          assert.equal((await s.getTransaction(init.id))!.shipped, 700);

          const reports = await Promise.all(Array.from({ length: 6 }, (_, i) => pick(stores, i).cancelAbandonedPayments(now)));
          assert.deepEqual(new Set(reports.flat()), new Set(late.map((t) => t.id)));
          assert.equal(reports.flat().length, late.length, 'each reported once');
          assert.equal((await s.getTransaction(init.id))!.shipped, 100, 'only the one still waiting counts');
          for (const t of late) {
            const after = (await s.getTransaction(t.id))!;
            assert.equal(after.status, 'CANCELLED');
            assert.match(after.reason ?? '', /abandoned/);
          }
          // The process that was waiting answers late: its compare-and-set changes nothing.
          assert.equal(await s.transitionTransaction(late[0]!.id, ['PENDING'], { status: 'PAID', updatedAt: now }), undefined);
          assert.equal(await s.releaseShipment(late[1]!.id, { status: 'FAILED', reason: 'x', updatedAt: now }), undefined);
          assert.equal((await s.getTransaction(init.id))!.shipped, 100, 'nothing given back twice');
          assert.equal((await s.getTransaction(onTime.id))!.status, 'PENDING');
          // What was given back ships again.
          assert.equal((await s.addShipment(shipment(init, 900, tick()), tick())).ok, true);
        }),
      );

      test(
        'settlePending: PENDING → its outcome with the card token, expiry and message in one write; never a row that is no longer PENDING',
        many(h, 2, async (stores) => {
          const [s] = stores as [Store];
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          const pending = transaction(m, tick(), { kind: 'initial', status: 'PENDING', deadlineAt: '2030-01-03T00:00:00.000Z' });
          await s.insertTransaction(pending);
          const ipn = message(m.id, tick(), tick(), { body: 'the outcome' });
          const at = tick();
          const patch = {
            status: 'AUTHORISED' as const,
            cardToken: 'tok_late',
            expiresAt: '2030-07-01T00:00:00.000Z',
            authCode: 'AB12',
            deadlineAt: null,
            updatedAt: at,
          };
          const settled = await Promise.all(
            stores.map((x) => x.settlePending(pending.id, patch, { outbox: ipn })).map((p) => p.catch(() => undefined)),
          );
          const winners = settled.filter(Boolean);
          assert.equal(winners.length, 1, 'one settle wins');
          assert.deepEqual(winners[0], { ...pending, ...patch });
          assert.deepEqual(await s.listOutbox({ merchantId: m.id, limit: 10 }), [ipn], 'its message once');

          // Swept first: a late settle writes nothing, message included.
          const swept = transaction(m, tick(), { kind: 'initial', status: 'PENDING', deadlineAt: '2030-01-01T12:00:00.000Z' });
          await s.insertTransaction(swept);
          assert.deepEqual(await s.cancelAbandonedPayments('2030-01-02T00:00:00.000Z'), [swept.id]);
          const other = message(m.id, tick(), tick(), { body: 'too late' });
          assert.equal(await s.settlePending(swept.id, { ...patch, updatedAt: tick() }, { outbox: other }), undefined);
          assert.equal((await s.getTransaction(swept.id))!.status, 'CANCELLED');
          assert.equal((await s.getTransaction(swept.id))!.cardToken, null);
          assert.deepEqual(await s.listOutbox({ merchantId: m.id, limit: 10 }), [ipn]);
        }),
      );
    });

    describe('links and scheduled debits', () => {
      test(
        'a link reads back by id and token; one payment reference per merchant holds under concurrency',
        many(h, 3, async (stores) => {
          const [s] = stores as [Store];
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          const l = link(m, tick(), { redirectUrl: 'http://127.0.0.1:4242/back' });
          assert.deepEqual(await s.insertLink(l), { inserted: true });
          assert.deepEqual(await s.getLink(l.id), l);
          assert.deepEqual(await s.getLinkByTokenHash(l.tokenHash), l);
          assert.equal(await s.getLink('f'.repeat(32)), undefined);
          assert.equal(await s.getLinkByTokenHash('nope'), undefined);
          assert.deepEqual(await s.insertLink(link(m, tick(), { paymentReference: l.paymentReference })), { inserted: false, existing: l });

          const at = tick();
          const racers = Array.from({ length: 20 }, () => link(m, at, { paymentReference: 'pr-race' }));
          const results = await Promise.all(racers.map((x, i) => pick(stores, i).insertLink(x)));
          const winners = racers.filter((_, i) => results[i]!.inserted);
          assert.equal(winners.length, 1);
          for (const r of results) if (!r.inserted) assert.deepEqual(r.existing, winners[0]);
        }),
      );

      test(
        'listLinks pages newest first; markLinkPaid is a compare-and-set with one winner',
        many(h, 2, async (stores) => {
          const [s] = stores as [Store];
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          const same = tick();
          const links = [link(m, same), link(m, same), link(m, tick()), link(m, tick()), link(m, tick())];
          for (const l of links) await s.insertLink(l);
          const expected = [...links].sort((x, y) => (x.createdAt + x.id > y.createdAt + y.id ? -1 : 1)).map((l) => l.id);
          const seen: string[] = [];
          let before: { createdAt: string; id: string } | undefined;
          for (;;) {
            const page = await s.listLinks({ merchantId: m.id, limit: 2, ...(before ? { before } : {}) });
            if (page.length === 0) break;
            seen.push(...page.map((l) => l.id));
            before = { createdAt: page.at(-1)!.createdAt, id: page.at(-1)!.id };
          }
          assert.deepEqual(seen, expected);

          const target = links[0]!;
          const txs = Array.from({ length: 10 }, () => transaction(m, tick(), { kind: 'link' }));
          for (const t of txs) await s.insertTransaction(t);
          const at = tick();
          const outcomes = await Promise.all(txs.map((t, i) => pick(stores, i).markLinkPaid(target.id, t.id, at)));
          assert.equal(outcomes.filter(Boolean).length, 1);
          const winner = txs[outcomes.indexOf(true)]!;
          assert.deepEqual(await s.getLink(target.id), { ...target, status: 'paid', transactionId: winner.id, updatedAt: at });
        }),
      );

      test(
        'settleLinkPayment settles the attempt, pays the link, schedules its debits and queues its callback, once',
        many(h, 3, async (stores) => {
          const [s] = stores as [Store];
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          const l = link(m, tick());
          await s.insertLink(l);
          const attempts = Array.from({ length: 8 }, () =>
            transaction(m, tick(), { kind: 'link', status: 'PENDING', authCode: null, deadlineAt: '2030-01-01T01:00:00.000Z' }),
          );
          for (const t of attempts) await s.insertTransaction(t);
          const at = tick();
          const patch = { status: 'PAID' as const, authCode: 'OK1234', deadlineAt: null, updatedAt: at };
          const plans = attempts.map((t) => ({
            linkId: l.id,
            transactionId: t.id,
            patch,
            debits: [debit(l, 2, '2030-02-01T00:00:00.000Z', at), debit(l, 3, '2030-03-01T00:00:00.000Z', at)],
            callback: message(m.id, at, at, { topic: 'link_callback', body: JSON.stringify({ transaction: t.id }) }),
          }));
          const results = await Promise.all(plans.map((p, i) => pick(stores, i).settleLinkPayment(p)));
          const winners = results.flatMap((r, i) => (r ? [i] : []));
          assert.equal(winners.length, 1, 'one attempt pays the link');
          const w = winners[0]!;
          assert.deepEqual(results[w], { ...attempts[w]!, status: 'PAID', authCode: 'OK1234', deadlineAt: null, updatedAt: at });
          assert.deepEqual(await s.getLink(l.id), { ...l, status: 'paid', transactionId: attempts[w]!.id, updatedAt: at });
          assert.deepEqual(await s.listScheduledDebits(l.id), plans[w]!.debits, "only the winner's debits");
          assert.deepEqual(await s.listOutbox({ topic: 'link_callback', limit: 10 }), [plans[w]!.callback], "only the winner's callback");
          for (const [i, t] of attempts.entries())
            if (i !== w) assert.equal((await s.getTransaction(t.id))!.status, 'PENDING', 'a loser is untouched');

          // An attempt no longer PENDING pays nothing, even on an open link.
          const other = link(m, tick());
          await s.insertLink(other);
          const cancelled = transaction(m, tick(), { kind: 'link', status: 'CANCELLED' });
          await s.insertTransaction(cancelled);
          const none = await s.settleLinkPayment({
            linkId: other.id,
            transactionId: cancelled.id,
            patch,
            debits: [debit(other, 2, at, at)],
            callback: message(m.id, at, at),
          });
          assert.equal(none, undefined);
          assert.deepEqual(await s.getLink(other.id), other);
          assert.deepEqual(await s.listScheduledDebits(other.id), []);
        }),
      );

      test(
        'settleLinkPayment is all or nothing: a write failing midway (a crash) leaves the attempt PENDING and the link open',
        one(h, async (s) => {
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          const l = link(m, tick(), { mode: 'pay_later' });
          await s.insertLink(l);
          const attempt = transaction(m, tick(), { kind: 'link', status: 'PENDING', authCode: null });
          await s.insertTransaction(attempt);
          const at = tick();
          // The second debit breaks UNIQUE(link_id, seq) after the attempt, the link and the first debit were written.
          const broken = [debit(l, 2, '2030-02-01T00:00:00.000Z', at), debit(l, 2, '2030-03-01T00:00:00.000Z', at)];
          const callback = message(m.id, at, at, { topic: 'link_callback' });
          const patch = { status: 'AUTHORISED' as const, authCode: 'OK1234', deadlineAt: null, updatedAt: at };
          await assert.rejects(s.settleLinkPayment({ linkId: l.id, transactionId: attempt.id, patch, debits: broken, callback }));
          assert.deepEqual(await s.getTransaction(attempt.id), attempt);
          assert.deepEqual(await s.getLink(l.id), l);
          assert.deepEqual(await s.listScheduledDebits(l.id), []);
          assert.deepEqual(await s.listOutbox({ limit: 10 }), []);

          const fixed = [broken[0]!];
          assert.equal(
            (await s.settleLinkPayment({ linkId: l.id, transactionId: attempt.id, patch, debits: fixed, callback }))?.status,
            'AUTHORISED',
          );
          assert.deepEqual(await s.listScheduledDebits(l.id), fixed);
          assert.equal((await s.getLink(l.id))!.status, 'paid');
        }),
      );

      test(
        'scheduled debits: listed by seq, claimed when due and not held, held until the lease ends, settled',
        one(h, async (s) => {
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          const l = link(m, tick());
          await s.insertLink(l);
          const d2 = debit(l, 2, '2030-03-01T00:00:00.000Z', tick());
          const d1 = debit(l, 1, '2030-02-01T00:00:00.000Z', tick());
          const d3 = debit(l, 3, '2030-04-01T00:00:00.000Z', tick());
          await s.insertScheduledDebits([d2, d1, d3]);
          assert.deepEqual(await s.listScheduledDebits(l.id), [d1, d2, d3]);

          const now = '2030-03-15T00:00:00.000Z';
          const lease = '2030-03-15T00:05:00.000Z';
          const claimed = await s.claimDueDebits(now, lease, 10);
          assert.deepEqual(claimed, [
            { ...d1, attempts: 1 },
            { ...d2, attempts: 1 },
          ]);
          assert.deepEqual(await s.claimDueDebits(now, lease, 10), [], 'held until the lease ends');
          assert.deepEqual(
            (await s.claimDueDebits(lease, '2030-03-15T00:10:00.000Z', 1)).map((d) => [d.id, d.attempts]),
            [[d1.id, 2]],
          );

          const tx = transaction(m, tick(), { kind: 'link' });
          await s.insertTransaction(tx);
          assert.equal(
            await s.settleScheduledDebit(d1.id, { status: 'paid', transactionId: tx.id, updatedAt: '2030-03-15T00:06:00.000Z' }),
            true,
          );
          assert.equal(
            await s.settleScheduledDebit(d2.id, {
              status: 'scheduled',
              lastError: 'card_declined',
              dueAt: '2030-03-20T00:00:00.000Z',
              updatedAt: '2030-03-15T00:06:00.000Z',
            }),
            true,
            'a retried debit stays scheduled',
          );
          const after = await s.listScheduledDebits(l.id);
          assert.deepEqual(after[0], { ...d1, attempts: 2, status: 'paid', transactionId: tx.id, updatedAt: '2030-03-15T00:06:00.000Z' });
          assert.deepEqual(after[1], {
            ...d2,
            attempts: 1,
            lastError: 'card_declined',
            dueAt: '2030-03-20T00:00:00.000Z',
            updatedAt: '2030-03-15T00:06:00.000Z',
          });
          // Settling released the hold: the retried debit is claimable again at its new due date, the paid one never.
          assert.deepEqual(
            (await s.claimDueDebits('2030-03-20T00:00:00.000Z', '2030-03-20T00:05:00.000Z', 10)).map((d) => d.id),
            [d2.id],
          );
        }),
      );

      test(
        'settleScheduledDebit is a compare-and-set that queues its callback with the settlement: once, all or nothing',
        many(h, 3, async (stores) => {
          const [s] = stores as [Store];
          const tick = ticker();
          const m = merchant(tick());
          await s.insertMerchant(m);
          const l = link(m, tick(), { status: 'paid' });
          await s.insertLink(l);
          const d = debit(l, 2, '2030-02-01T00:00:00.000Z', tick());
          await s.insertScheduledDebits([d]);
          const tx = transaction(m, tick(), { kind: 'link', amount: d.amount });
          await s.insertTransaction(tx);
          const earlier = message(m.id, tick(), tick(), { topic: 'link_callback', body: 'an earlier callback' });
          await s.enqueueOutbox(earlier);
          const callbacks = async () => (await s.listOutbox({ merchantId: m.id, topic: 'link_callback', limit: 100 })).map((x) => x.body);
          const at = tick();
          const paid = { status: 'paid' as const, transactionId: tx.id, lastError: null, updatedAt: at };

          // The callback's write fails after the debit's (its id is taken): neither is stored.
          const doomed = message(m.id, at, at, { topic: 'link_callback', id: earlier.id, body: 'doomed' });
          await assert.rejects(s.settleScheduledDebit(d.id, paid, { outbox: doomed }));
          assert.deepEqual(await s.listScheduledDebits(l.id), [d], 'the debit is still scheduled');
          assert.deepEqual(await callbacks(), ['an earlier callback']);

          // Settlements racing on several stores: one changes the debit and queues its callback.
          const racers = Array.from({ length: 6 }, (_, i) => message(m.id, at, at, { topic: 'link_callback', body: `link.debit ${i}` }));
          const results = await Promise.all(racers.map((x, i) => pick(stores, i).settleScheduledDebit(d.id, paid, { outbox: x })));
          assert.equal(results.filter(Boolean).length, 1, 'one settlement');
          const w = results.indexOf(true);
          assert.deepEqual(await callbacks(), ['an earlier callback', `link.debit ${w}`]);
          assert.deepEqual(await s.listScheduledDebits(l.id), [{ ...d, status: 'paid', transactionId: tx.id, updatedAt: at }]);
          // Final: nothing changes it any more, and nothing is queued.
          const late = message(m.id, at, at, { topic: 'link_callback', body: 'late' });
          assert.equal(
            await s.settleScheduledDebit(d.id, { status: 'failed', lastError: 'late', updatedAt: tick() }, { outbox: late }),
            false,
          );
          assert.equal(
            await s.settleScheduledDebit(d.id, { status: 'scheduled', dueAt: '2031-01-01T00:00:00.000Z', updatedAt: tick() }),
            false,
          );
          assert.equal((await s.listScheduledDebits(l.id))[0]!.status, 'paid');
          assert.deepEqual(await callbacks(), ['an earlier callback', `link.debit ${w}`]);
          assert.equal(await s.settleScheduledDebit('f'.repeat(32), paid, { outbox: late }), false, 'an unknown debit');
          assert.deepEqual(await callbacks(), ['an earlier callback', `link.debit ${w}`]);
        }),
      );

      test(
        'concurrent claimers on several stores never get the same due debit twice',
        many(h, 3, async (stores) => {
          const tick = ticker();
          const m = merchant(tick());
          await stores[0]!.insertMerchant(m);
          const l = link(m, tick());
          await stores[0]!.insertLink(l);
          const debits = Array.from({ length: 60 }, (_, i) =>
            debit(l, i + 1, `2030-02-01T00:00:${String(i).padStart(2, '0')}.000Z`, tick()),
          );
          await stores[0]!.insertScheduledDebits(debits);
          const now = '2030-03-01T00:00:00.000Z';
          const lease = '2030-03-01T00:05:00.000Z';
          const batches = await Promise.all(Array.from({ length: 12 }, (_, i) => pick(stores, i).claimDueDebits(now, lease, 7)));
          const ids = batches.flat().map((d) => d.id);
          assert.equal(new Set(ids).size, ids.length, 'a debit was handed to two claimers');
          // None lost either: what the concurrent wave left, one last claim takes.
          const rest = await stores[0]!.claimDueDebits(now, lease, 100);
          assert.equal(ids.length + rest.length, 60);
          for (const d of batches.flat()) assert.equal(d.attempts, 1);
        }),
      );
    });

    describe('outbox', () => {
      test(
        'messages are claimed when due, leased, then delivered or failed; listOutbox filters',
        one(h, async (s) => {
          const tick = ticker();
          const m1 = message('merchant-1', '2030-01-01T00:00:00.000Z', tick());
          const m2 = message('merchant-1', '2030-01-01T00:01:00.000Z', tick(), { topic: 'link_callback' });
          const m3 = message('merchant-2', '2030-01-01T01:00:00.000Z', tick());
          for (const x of [m3, m2, m1]) await s.enqueueOutbox(x);

          const now = '2030-01-01T00:30:00.000Z';
          const lease = '2030-01-01T00:31:00.000Z';
          assert.deepEqual(await s.claimOutbox(now, lease, 10), [m1, m2]);
          assert.deepEqual(await s.claimOutbox(now, lease, 10), [], 'leased messages are not handed out again');

          await s.markOutboxDelivered(m1.id, '2030-01-01T00:30:01.000Z');
          await s.markOutboxFailed(m2.id, '2030-01-01T00:40:00.000Z', 'HTTP 500');
          const list = await s.listOutbox({ limit: 10 });
          assert.deepEqual(
            list.map((x) => x.id),
            [m1.id, m2.id, m3.id],
          );
          assert.deepEqual(list[0], { ...m1, nextAttemptAt: lease, deliveredAt: '2030-01-01T00:30:01.000Z', attempts: 1 });
          assert.deepEqual(list[1], { ...m2, nextAttemptAt: '2030-01-01T00:40:00.000Z', attempts: 1, lastError: 'HTTP 500' });
          assert.deepEqual(
            (await s.listOutbox({ merchantId: 'merchant-1', limit: 10 })).map((x) => x.id),
            [m1.id, m2.id],
          );
          assert.deepEqual(
            (await s.listOutbox({ topic: 'link_callback', limit: 10 })).map((x) => x.id),
            [m2.id],
          );
          assert.deepEqual(
            (await s.listOutbox({ merchantId: 'merchant-1', topic: 'ipn', limit: 10 })).map((x) => x.id),
            [m1.id],
          );
          assert.equal((await s.listOutbox({ limit: 2 })).length, 2);

          // A delivered message never comes back; a failed one comes back at its next attempt.
          assert.deepEqual(
            (await s.claimOutbox('2030-01-01T02:00:00.000Z', '2030-01-01T02:01:00.000Z', 10)).map((x) => x.id),
            [m2.id, m3.id],
          );
        }),
      );

      test(
        'concurrent claimers on several stores never get the same message twice',
        many(h, 3, async (stores) => {
          const tick = ticker();
          const msgs = Array.from({ length: 60 }, (_, i) =>
            message('merchant-1', `2030-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, tick()),
          );
          for (const x of msgs) await stores[0]!.enqueueOutbox(x);
          const now = '2030-01-02T00:00:00.000Z';
          const lease = '2030-01-02T00:01:00.000Z';
          const batches = await Promise.all(Array.from({ length: 12 }, (_, i) => pick(stores, i).claimOutbox(now, lease, 7)));
          const ids = batches.flat().map((x) => x.id);
          assert.equal(new Set(ids).size, ids.length, 'a message was handed to two claimers');
          const rest = await stores[0]!.claimOutbox(now, lease, 100);
          assert.equal(ids.length + rest.length, 60);
        }),
      );
    });

    describe('V4 lookups', () => {
      test(
        'finds a merchant by its shop number and a refund by its id; v4Details and shopId read back as written',
        one(h, async (s) => {
          const tick = ticker();
          const m = merchant(tick(), { shopId: '12345678' });
          const plain = merchant(tick());
          await s.insertMerchant(m);
          await s.insertMerchant(plain);
          assert.deepEqual(await s.getMerchantByShopId('12345678'), m);
          assert.deepEqual(await s.getMerchant(plain.id), plain, 'a merchant written without a shop number reads back without one');
          assert.equal(await s.getMerchantByShopId('87654321'), undefined);
          await assert.rejects(s.insertMerchant(merchant(tick(), { shopId: '12345678' })), 'two merchants cannot share a shop number');

          const t = transaction(m, tick(), { v4Details: JSON.stringify({ metadata: { cart: '42' } }) });
          await s.insertTransaction(t);
          assert.deepEqual(await s.getTransaction(t.id), t);
          const r = refund(t, 100, tick());
          assert.equal((await s.addRefund(r)).ok, true);
          assert.deepEqual(await s.getRefund(r.id), r);
          assert.equal(await s.getRefund(t.id), undefined, 'a transaction id is no refund id');
        }),
      );

      test(
        "keeps a hosted-page order's details until they expire",
        one(h, async (s) => {
          const first = {
            nonce: 'n1',
            merchantId: 'm',
            details: '{"a":1}',
            expiresAt: '2030-01-01T00:15:00.000Z',
            createdAt: '2030-01-01T00:00:00.000Z',
          };
          await s.putV4FormDetails(first);
          assert.deepEqual(await s.getV4FormDetails('n1'), first);
          await s.putV4FormDetails({ ...first, nonce: 'n2', createdAt: '2030-01-01T00:16:00.000Z', expiresAt: '2030-01-01T00:31:00.000Z' });
          assert.equal(await s.getV4FormDetails('n1'), undefined, 'an expired one is dropped');
          assert.equal((await s.getV4FormDetails('n2'))?.details, '{"a":1}');
        }),
      );
    });
  });
}
