import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { merchant, refund, ticker, transaction } from '../../store/fixtures.js';
import { many, one, pick, type StoreHarness } from './store-contract.js';

/**
 * Refunds under an idempotency key (addKeyedRefund, findRefundByKey), on each adapter: the
 * database, not the process, decides which of several requests with one key refunds.
 */
export function refundKeyContract(h: StoreHarness): void {
  describe(`Store contract: ${h.name}: refunds under an idempotency key`, () => {
    test(
      'a key holds one refund: the same request replays it, another is refused, a refusal keeps the key free',
      one(h, async (s) => {
        const tick = ticker();
        const m = merchant(tick());
        await s.insertMerchant(m);
        const t = transaction(m, tick(), { amount: 1000 });
        const u = transaction(m, tick(), { amount: 1000 });
        await s.insertTransaction(t);
        await s.insertTransaction(u);
        const key = { idemKey: 'k-1', requestHash: 'refund-t-400' };

        const r1 = refund(t, 400, tick());
        const first = await s.addKeyedRefund(r1, key);
        assert.deepEqual(first, { ok: true, refund: r1, replayed: false, transaction: { ...t, refunded: 400, updatedAt: r1.createdAt } });
        const again = await s.addKeyedRefund(refund(t, 400, tick()), key);
        assert.ok(again.ok);
        assert.equal(again.replayed, true);
        assert.deepEqual(again.refund, r1);
        assert.equal(again.transaction.refunded, 400);
        assert.deepEqual(await s.addKeyedRefund(refund(u, 400, tick()), { ...key, requestHash: 'refund-u-400' }), {
          ok: false,
          reason: 'key_reused',
          refund: r1,
        });
        assert.deepEqual(await s.findRefundByKey(m.id, 'k-1'), { refund: r1, requestHash: 'refund-t-400' });
        assert.equal(await s.findRefundByKey(m.id, 'k-2'), undefined);
        assert.equal(await s.findRefundByKey(merchant(tick()).id, 'k-1'), undefined);
        assert.deepEqual(await s.listRefunds(t.id), [r1]);
        assert.deepEqual(await s.listRefunds(u.id), []);

        // Refused for what remains: nothing is recorded, the key neither.
        const over = await s.addKeyedRefund(refund(t, 601, tick()), { idemKey: 'k-2', requestHash: 'refund-t-601' });
        assert.equal(!over.ok && over.reason, 'exceeds_remaining');
        assert.equal(await s.findRefundByKey(m.id, 'k-2'), undefined);
        const fits = refund(t, 600, tick());
        assert.equal((await s.addKeyedRefund(fits, { idemKey: 'k-2', requestHash: 'refund-t-600' })).ok, true);
        assert.deepEqual(await s.listRefunds(t.id), [r1, fits]);
        assert.equal((await s.getTransaction(t.id))!.refunded, 1000);
      }),
    );

    test(
      '30 concurrent requests with one key over several stores refund once; the key on another payment is refused',
      many(h, 3, async (stores) => {
        const tick = ticker();
        const m = merchant(tick());
        await stores[0]!.insertMerchant(m);
        const t = transaction(m, tick(), { amount: 10_000 });
        const u = transaction(m, tick(), { amount: 10_000 });
        await stores[0]!.insertTransaction(t);
        await stores[0]!.insertTransaction(u);
        const at = tick();
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            i % 10 === 9
              ? pick(stores, i).addKeyedRefund(refund(u, 300, at), { idemKey: 'one-key', requestHash: 'refund-u-300' })
              : pick(stores, i).addKeyedRefund(refund(t, 300, at), { idemKey: 'one-key', requestHash: 'refund-t-300' }),
          ),
        );
        const written = results.filter((r) => r.ok && !r.replayed);
        assert.equal(written.length, 1, 'one request wrote the refund');
        const holder = written[0]!.ok ? written[0]!.refund : undefined;
        for (const r of results) {
          if (r.ok) assert.deepEqual(r.refund, holder);
          else assert.deepEqual(r, { ok: false, reason: 'key_reused', refund: holder });
        }
        const onT = (await stores[1]!.getTransaction(t.id))!.refunded;
        const onU = (await stores[2]!.getTransaction(u.id))!.refunded;
        assert.equal(onT + onU, 300, 'refunded once, on one of the two payments');
        assert.equal((await stores[0]!.listRefunds(t.id)).length + (await stores[0]!.listRefunds(u.id)).length, 1);
      }),
    );
  });
}
