import assert from 'node:assert/strict';
import type { EsipayError } from '../../../src/domain/errors.js';
import type { TransactionView } from '../../../src/domain/types.js';
import { DECLINED } from './cards.js';
import { fails } from './fails.js';
import type { UseCase } from './run-engine-contract.js';

/** Refunds of card payments: partial, whole, concurrent, and every refusal. */
export const refunds: UseCase = {
  name: 'refunds',
  cases(c) {
    c.test('refunds partly, then all that remains, then refuses more', async () => {
      const { m } = await c.merchant();
      const tx = await c.engine.pay(c.payInput(m, { amount: '100.00' }));

      const part = await c.engine.refund({ transaction: tx.id, amount: '30.00', merchant: m.uuid });
      assert.equal(part.refund.amount, 3000);
      assert.equal(part.refund.currency, 'EUR');
      assert.equal(part.refund.transaction, tx.id);
      assert.equal(part.transaction.refunded, 3000);
      assert.equal(part.transaction.remaining, 7000);
      assert.equal(part.transaction.status, 'PARTIALLY_REFUNDED');

      const rest = await c.engine.refund({ transaction: tx.id });
      assert.equal(rest.refund.amount, 7000);
      assert.equal(rest.transaction.refunded, 10000);
      assert.equal(rest.transaction.remaining, 0);
      assert.equal(rest.transaction.status, 'REFUNDED');

      await fails(c.engine.refund({ transaction: tx.id }), 'conflict', 'nothing_to_refund');
      await fails(c.engine.refund({ transaction: tx.id, amount: '0.01' }), 'conflict', 'amount_exceeds_remaining');
      const detail = await c.engine.getTransaction(tx.id);
      assert.deepEqual(
        detail.refunds.map((r) => r.amount),
        [3000, 7000],
      );
      const totals = await c.engine.merchantTotals(m.uuid);
      assert.equal(totals.paid, '10000');
      assert.equal(totals.refunded, '10000');
    });

    c.test('refuses a refund over what remains and changes nothing', async () => {
      const { m } = await c.merchant();
      const tx = await c.engine.pay(c.payInput(m, { amount: '50.00' }));
      await c.engine.refund({ transaction: tx.id, amount: '20.00' });
      const e = await fails(
        c.engine.refund({ transaction: tx.id, amount: '30.01', merchant: m.uuid }),
        'conflict',
        'amount_exceeds_remaining',
      );
      assert.match(e.message, /30\.00/);
      const detail = await c.engine.getTransaction(tx.id);
      assert.equal(detail.refunded, 2000);
      assert.equal(detail.remaining, 3000);
      assert.equal(detail.refunds.length, 1);
    });

    c.test('never lets concurrent refunds exceed the payment', async () => {
      const { m } = await c.merchant();
      const tx = await c.engine.pay(c.payInput(m, { amount: '100.00' }));
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => c.engine.refund({ transaction: tx.id, amount: '30.00', merchant: m.uuid })),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      assert.equal(ok.length, 3);
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as EsipayError).code, 'amount_exceeds_remaining');
      }
      const detail = await c.engine.getTransaction(tx.id);
      assert.equal(detail.refunded, 9000);
      assert.equal(detail.refunds.length, 3);
    });

    c.test('a full refund racing partial ones refunds what remains under the lock, never refused for it', async () => {
      const { m } = await c.merchant();
      const tx = await c.engine.pay(c.payInput(m, { amount: '100.00' }));
      // Asked together: "all that remains" is read before the partial refunds commit.
      const [partA, partB, all] = await Promise.allSettled([
        c.engine.refund({ transaction: tx.id, amount: '30.00', merchant: m.uuid }),
        c.engine.refund({ transaction: tx.id, amount: '20.00', merchant: m.uuid }),
        c.engine.refund({ transaction: tx.id, merchant: m.uuid }),
      ]);
      assert.equal(all.status, 'fulfilled', all.status === 'rejected' ? String((all.reason as EsipayError).code) : '');
      for (const p of [partA, partB]) {
        if (p.status === 'rejected')
          assert.equal((p.reason as EsipayError).code, 'amount_exceeds_remaining', 'a partial after the full one');
      }
      const after = await c.engine.getTransaction(tx.id, m.uuid);
      assert.equal(after.refunded, 10000, 'exactly the payment, whatever the order');
      assert.equal(
        after.refunds.reduce((sum, r) => sum + r.amount, 0),
        10000,
      );
    });

    c.test('refuses bad refund amounts', async () => {
      const { m } = await c.merchant();
      const tx = await c.engine.pay(c.payInput(m, { amount: '10.00' }));
      for (const amount of ['abc', '0', '-1', '1e3', '12,50', '1.234']) {
        await fails(c.engine.refund({ transaction: tx.id, amount, merchant: m.uuid }), 'invalid', 'invalid_amount');
      }
      assert.equal((await c.engine.getTransaction(tx.id)).refunded, 0);
    });

    c.test('refuses to refund a declined or cancelled payment', async () => {
      const { m } = await c.merchant();
      const declined = (await fails(c.engine.pay(c.payInput(m, { card: { number: DECLINED } })), 'refused', 'card_declined'))
        .transaction as TransactionView;
      await fails(c.engine.refund({ transaction: declined.id }), 'conflict', 'not_refundable');
      await fails(c.engine.refund({ transaction: declined.id, amount: '1.00', merchant: m.uuid }), 'conflict', 'not_refundable');

      const failing = await c.merchant(500);
      const cancelled = (await fails(c.engine.pay(c.payInput(failing.m)), 'cancelled', 'callback_failed')).transaction as TransactionView;
      await fails(c.engine.refund({ transaction: cancelled.id }), 'conflict', 'not_refundable');
    });

    c.test('does not know an unknown transaction', async () => {
      const { m } = await c.merchant();
      const unknown = '0123456789abcdef0123456789abcdef';
      await fails(c.engine.refund({ transaction: unknown }), 'not_found', 'unknown_transaction');
      await fails(c.engine.refund({ transaction: unknown, merchant: m.uuid }), 'not_found', 'unknown_transaction');
      await fails(c.engine.refund({ transaction: unknown, amount: '1.00', merchant: m.uuid }), 'not_found', 'unknown_transaction');
      await fails(c.engine.getTransaction(unknown), 'not_found', 'unknown_transaction');
      await fails(c.engine.getTransaction(unknown, m.uuid), 'not_found', 'unknown_transaction');
      await fails(c.engine.refund({ transaction: 'x', merchant: '00000000-0000-4000-8000-000000000000' }), 'not_found', 'unknown_merchant');
    });

    c.test('replays a refund under its idempotency key: the same refund again, nothing refunded twice', async () => {
      const { m } = await c.merchant();
      const tx = await c.engine.pay(c.payInput(m, { amount: '100.00' }));
      const key = c.unique('refund-key');
      const first = await c.engine.refund({ transaction: tx.id, amount: '10.00', merchant: m.uuid, idempotencyKey: key });
      assert.equal(first.replayed, undefined);
      assert.equal(first.refund.amount, 1000);
      // The same request, however the amount is written and with or without the merchant.
      for (const again of [
        await c.engine.refund({ transaction: tx.id, amount: '10.00', merchant: m.uuid, idempotencyKey: key }),
        await c.engine.refund({ transaction: tx.id, amount: '10', idempotencyKey: key }),
      ]) {
        assert.equal(again.replayed, true);
        assert.deepEqual(again.refund, first.refund);
        assert.equal(again.transaction.refunded, 1000);
      }
      const detail = await c.engine.getTransaction(tx.id);
      assert.equal(detail.refunded, 1000);
      assert.deepEqual(detail.refunds, [first.refund]);
      // A key is the merchant's own: another merchant's same key is another refund.
      const other = await c.merchant();
      const theirs = await c.engine.pay(c.payInput(other.m, { amount: '100.00' }));
      const second = await c.engine.refund({ transaction: theirs.id, amount: '10.00', idempotencyKey: key });
      assert.equal(second.replayed, undefined);
      assert.notEqual(second.refund.id, first.refund.id);
    });

    c.test('refuses an idempotency key sent again with another amount or transaction (idempotency_key_reused)', async () => {
      const { m } = await c.merchant();
      const tx = await c.engine.pay(c.payInput(m, { amount: '100.00' }));
      const another = await c.engine.pay(c.payInput(m, { amount: '100.00' }));
      const key = c.unique('refund-key');
      const first = await c.engine.refund({ transaction: tx.id, amount: '10.00', idempotencyKey: key });
      await fails(c.engine.refund({ transaction: tx.id, amount: '11.00', idempotencyKey: key }), 'conflict', 'idempotency_key_reused');
      // "All that remains" is a request of its own, even when it would be the same amount.
      await fails(c.engine.refund({ transaction: tx.id, idempotencyKey: key }), 'conflict', 'idempotency_key_reused');
      await fails(
        c.engine.refund({ transaction: another.id, amount: '10.00', merchant: m.uuid, idempotencyKey: key }),
        'conflict',
        'idempotency_key_reused',
      );
      assert.deepEqual((await c.engine.getTransaction(tx.id)).refunds, [first.refund]);
      assert.equal((await c.engine.getTransaction(another.id)).refunded, 0);
      for (const bad of ['has space', '', 'x'.repeat(129), 'clé', 'tab\tkey']) {
        await fails(
          c.engine.refund({ transaction: another.id, amount: '1.00', idempotencyKey: bad }),
          'invalid',
          'invalid_idempotency_key',
        );
      }
      assert.equal((await c.engine.getTransaction(another.id)).refunded, 0);
    });

    c.test('refunds once for 20 concurrent requests with one idempotency key', async () => {
      const { m } = await c.merchant();
      const tx = await c.engine.pay(c.payInput(m, { amount: '100.00' }));
      const key = c.unique('refund-key');
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => c.engine.refund({ transaction: tx.id, amount: '10.00', merchant: m.uuid, idempotencyKey: key })),
      );
      assert.equal(new Set(outcomes.map((o) => o.refund.id)).size, 1, 'every answer is the one refund');
      assert.equal(outcomes.filter((o) => o.replayed === undefined).length, 1, 'one request refunded, the others replayed');
      const detail = await c.engine.getTransaction(tx.id);
      assert.equal(detail.refunded, 1000);
      assert.equal(detail.refunds.length, 1);
    });

    c.test('replays a full refund as its first outcome, never as a refund of what remains later', async () => {
      const { m } = await c.merchant();
      const tx = await c.engine.pay(c.payInput(m, { amount: '100.00' }));
      await c.engine.refund({ transaction: tx.id, amount: '30.00', idempotencyKey: c.unique('refund-key') });
      const key = c.unique('refund-key');
      // Sent 20 times at once: one refund of the 70.00 that remained, answered to all 20.
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => c.engine.refund({ transaction: tx.id, idempotencyKey: key })));
      assert.equal(new Set(outcomes.map((o) => o.refund.id)).size, 1);
      assert.equal(outcomes[0]!.refund.amount, 7000);
      // Nothing remains now: the retry still answers the first refund, not nothing_to_refund.
      const again = await c.engine.refund({ transaction: tx.id, merchant: m.uuid, idempotencyKey: key });
      assert.equal(again.replayed, true);
      assert.deepEqual(again.refund, outcomes[0]!.refund);
      assert.equal(again.transaction.status, 'REFUNDED');
      const detail = await c.engine.getTransaction(tx.id);
      assert.deepEqual(
        detail.refunds.map((r) => r.amount),
        [3000, 7000],
      );
      await fails(c.engine.refund({ transaction: tx.id, idempotencyKey: c.unique('refund-key') }), 'conflict', 'nothing_to_refund');
    });

    c.test("does not let a merchant see or refund another merchant's transaction", async () => {
      const owner = await c.merchant();
      const other = await c.merchant();
      const tx = await c.engine.pay(c.payInput(owner.m, { amount: '10.00' }));
      await fails(c.engine.refund({ transaction: tx.id, merchant: other.m.uuid }), 'not_found', 'unknown_transaction');
      await fails(c.engine.refund({ transaction: tx.id, amount: '1.00', merchant: other.m.uuid }), 'not_found', 'unknown_transaction');
      await fails(c.engine.getTransaction(tx.id, other.m.uuid), 'not_found', 'unknown_transaction');
      assert.equal((await c.engine.getTransaction(tx.id)).refunded, 0);
      assert.deepEqual(await c.allTransactions(other.m.uuid), []);
    });
  },
};
