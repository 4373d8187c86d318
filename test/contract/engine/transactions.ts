import assert from 'node:assert/strict';
import type { TransactionView } from '../../../src/domain/types.js';
import { fails } from './fails.js';
import type { UseCase } from './run-engine-contract.js';

/** A merchant's transactions and totals, in pages. */
export const transactions: UseCase = {
  name: 'transactions',
  cases(c) {
    c.test("lists a merchant's transactions newest first, with remaining balances, in pages joined by cursors", async () => {
      const { m } = await c.merchant();
      const paid: TransactionView[] = [];
      for (const amount of ['1.00', '2.00', '3.00', '4.00', '5.00']) paid.push(await c.engine.pay(c.payInput(m, { amount })));
      await c.engine.refund({ transaction: paid[1]!.id, amount: '0.50' });

      const first = await c.engine.listTransactions({ merchant: m.uuid, limit: 2 });
      assert.equal(first.items.length, 2);
      assert.ok(first.next);
      const second = await c.engine.listTransactions({ merchant: m.uuid, limit: 2, cursor: first.next });
      assert.equal(second.items.length, 2);
      assert.ok(second.next);
      const third = await c.engine.listTransactions({ merchant: m.uuid, limit: 2, cursor: second.next });
      assert.equal(third.items.length, 1);
      assert.equal(third.next, null);

      const listed = [...first.items, ...second.items, ...third.items];
      // Newest first: by creation time, then id for those created in the same millisecond.
      const newestFirst = [...paid].sort((a, b) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
      );
      assert.deepEqual(
        listed.map((t) => t.id),
        newestFirst.map((t) => t.id),
      );
      const refunded = listed.find((t) => t.id === paid[1]!.id)!;
      assert.equal(refunded.refunded, 50);
      assert.equal(refunded.remaining, 150);
      assert.equal(refunded.status, 'PARTIALLY_REFUNDED');

      const whole = await c.engine.listTransactions({ merchant: m.uuid });
      assert.deepEqual(whole.items, listed);
      assert.equal(whole.next, null);

      const byKind = await c.engine.listTransactions({ merchant: m.uuid, kinds: ['card'] });
      assert.equal(byKind.items.length, 5);
      assert.deepEqual((await c.engine.listTransactions({ merchant: m.uuid, kinds: ['shipment'] })).items, []);

      const totals = await c.engine.merchantTotals(m.uuid);
      assert.equal(totals.paid, '1500');
      assert.equal(totals.refunded, '50');
      assert.equal(totals.count, 5);
      assert.equal(totals.currency, 'EUR');
    });

    c.test('refuses a cursor it did not give and a limit that is not a positive integer', async () => {
      const { m } = await c.merchant();
      await fails(c.engine.listTransactions({ merchant: m.uuid, cursor: 'bogus' }), 'invalid', 'invalid_cursor');
      await fails(c.engine.listTransactions({ merchant: m.uuid, limit: 0 }), 'invalid', 'invalid_limit');
      await fails(c.engine.listTransactions({ merchant: m.uuid, limit: Number.NaN }), 'invalid', 'invalid_limit');
      await fails(c.engine.listMerchants({ limit: -1 }), 'invalid', 'invalid_limit');
    });

    c.test('keeps totals exact past 2^53 minor units: sums are strings of digits, never rounded', async () => {
      const { m } = await c.merchant();
      // The largest amount a payment may have: 2^53 - 1 minor units.
      for (const cid of ['huge-1', 'huge-2', 'huge-3']) {
        const t = await c.engine.pay(c.payInput(m, { cid, amount: '90071992547409.91' }));
        assert.equal(t.amount, Number.MAX_SAFE_INTEGER);
      }
      await c.engine.refund({
        transaction: (await c.engine.listTransactions({ merchant: m.uuid, limit: 1 })).items[0]!.id,
        amount: '0.01',
      });
      const totals = await c.engine.merchantTotals(m.uuid);
      assert.equal(totals.paid, '27021597764222973', 'three times 9007199254740991, exactly');
      assert.equal(totals.refunded, '1');
      assert.equal(totals.count, 3);
    });

    c.test('lists nothing for a merchant without transactions', async () => {
      const { m } = await c.merchant();
      assert.deepEqual(await c.engine.listTransactions({ merchant: m.uuid }), { items: [], next: null });
      const totals = await c.engine.merchantTotals(m.uuid);
      assert.equal(totals.paid, '0');
      assert.equal(totals.count, 0);
    });
  },
};
