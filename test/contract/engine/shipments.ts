import assert from 'node:assert/strict';
import type { TransactionView } from '../../../src/domain/types.js';
import { card, DECLINED, LATER_DECLINED, LATER_FAILS, LATER_INSUFFICIENT_FUNDS, LATER_UNKNOWN } from './cards.js';
import type { ContractContext } from './context.js';
import { fails } from './fails.js';
import { initialInput } from './seed-inputs.js';
import type { UseCase } from './run-engine-contract.js';

/** A merchant with the seed's initial transaction of 74.12 EUR, AUTHORISED. */
async function authorised(c: ContractContext): Promise<{ merchant: string; init: TransactionView }> {
  const { m } = await c.merchant();
  return { merchant: m.uuid, init: await c.engine.createInitial(initialInput(c, m)) };
}

/** Payment at shipment, second step: each shipment debits what was shipped, within the total. */
export const shipments: UseCase = {
  name: 'shipments',
  cases(c) {
    c.test('ships the seed order in three parts (35.00, 25.00, 14.12), then refuses a fourth (PSP_229)', async () => {
      const { merchant, init } = await authorised(c);
      const shipped: TransactionView[] = [];
      for (const [decimal, amount] of [
        ['35.00', 3500],
        ['25.00', 2500],
        ['14.12', 1412],
      ] as const) {
        const s = await c.engine.createShipment({ merchant, initial: init.id, amount: decimal, email: 'sample@example.com' });
        assert.equal(s.kind, 'shipment');
        assert.equal(s.status, 'PAID');
        assert.equal(s.amount, amount);
        assert.equal(s.currency, 'EUR');
        assert.equal(s.merchant, merchant);
        assert.equal(s.cid, init.cid);
        assert.equal(s.parent, init.id);
        assert.equal(s.withinGuarantee, true);
        assert.equal(s.refunded, 0);
        assert.equal(s.remaining, amount, 'a shipment can be refunded in full');
        assert.deepEqual(s.card, init.card);
        assert.match(s.id, /^[0-9a-f]{32}$/);
        shipped.push(s);
      }
      const after = await c.engine.getTransaction(init.id, merchant);
      assert.equal(after.shipped, 7412);
      assert.equal(after.remaining, 0);
      assert.deepEqual(
        after.shipments.map((s) => [s.id, s.amount, s.status]),
        shipped.map((s) => [s.id, s.amount, 'PAID']),
      );
      assert.deepEqual(await c.engine.getTransaction(shipped[0]!.id), { ...shipped[0]!, refunds: [], shipments: [], callback: null });

      const fourth = await fails(c.engine.createShipment({ merchant, initial: init.id, amount: '0.01' }), 'conflict', 'PSP_229');
      assert.match(fourth.message, /only 0\.00 EUR remains/);
      assert.equal((await c.engine.getTransaction(init.id)).shipments.length, 3);

      const listed = await c.engine.listTransactions({ merchant, kinds: ['shipment'] });
      assert.deepEqual(new Set(listed.items.map((t) => t.id)), new Set(shipped.map((s) => s.id)));
      const topLevel = await c.engine.listTransactions({ merchant, topLevel: true });
      assert.deepEqual(
        topLevel.items.map((t) => t.id),
        [init.id],
      );
      const totals = await c.engine.merchantTotals(merchant);
      assert.equal(totals.paid, '7412');
      assert.equal(totals.toShip, '0');
    });

    c.test('refuses a shipment over what remains, and changes nothing', async () => {
      const { merchant, init } = await authorised(c);
      await c.engine.createShipment({ merchant, initial: init.id, amount: '50.00' });
      const e = await fails(c.engine.createShipment({ merchant, initial: init.id, amount: '24.13' }), 'conflict', 'PSP_229');
      assert.match(e.message, /24\.12 EUR/);
      const detail = await c.engine.getTransaction(init.id);
      assert.equal(detail.shipped, 5000);
      assert.equal(detail.remaining, 2412);
      assert.equal(detail.shipments.length, 1);
      const rest = await c.engine.createShipment({ merchant, initial: init.id, amount: '24.12' });
      assert.equal(rest.status, 'PAID');
      assert.equal((await c.engine.getTransaction(init.id)).remaining, 0);
    });

    c.test("refuses a shipment against an unknown transaction, another merchant's, or one that is not an authorised initial", async () => {
      const { merchant, init } = await authorised(c);
      const other = await c.merchant();
      const amount = '1.00';
      const shipment = await c.engine.createShipment({ merchant, initial: init.id, amount });
      const payment = await c.engine.pay(c.payInput({ uuid: merchant }));
      const declined = (
        await fails(c.engine.createInitial(initialInput(c, { uuid: merchant }, { card: card(DECLINED) })), 'refused', 'card_declined')
      ).transaction as TransactionView;

      await fails(c.engine.createShipment({ merchant, initial: 'f183418d08df49f3900bbd74ef837816', amount }), 'not_found', 'PSP_229');
      await fails(c.engine.createShipment({ merchant, initial: 'not/an/id', amount }), 'not_found', 'PSP_229');
      await fails(c.engine.createShipment({ merchant: other.m.uuid, initial: init.id, amount }), 'not_found', 'PSP_229');
      await fails(c.engine.createShipment({ merchant, initial: shipment.id, amount }), 'conflict', 'PSP_229');
      await fails(c.engine.createShipment({ merchant, initial: payment.id, amount }), 'conflict', 'PSP_229');
      await fails(c.engine.createShipment({ merchant, initial: declined.id, amount }), 'conflict', 'PSP_229');
      await fails(
        c.engine.createShipment({ merchant: '00000000-0000-4000-8000-000000000000', initial: init.id, amount }),
        'not_found',
        'unknown_merchant',
      );
      assert.equal((await c.engine.getTransaction(init.id)).shipped, 100);
      assert.deepEqual(await c.allTransactions(other.m.uuid), []);
    });

    c.test('refuses bad shipments with the seed codes, and ships nothing', async () => {
      const { merchant, init } = await authorised(c);
      for (const amount of ['0', '0.00', '-1', 'abc', '1.234']) {
        await fails(c.engine.createShipment({ merchant, initial: init.id, amount: amount }), 'invalid', 'INT_009');
      }
      await fails(
        c.engine.createShipment({ merchant, initial: init.id, amount: '1.00', email: 'not-an-email' }),
        'invalid',
        'invalid_email',
      );
      await fails(
        c.engine.createShipment({ merchant, initial: init.id, amount: '1.00', idempotencyKey: 'has space' }),
        'invalid',
        'invalid_idempotency_key',
      );
      const detail = await c.engine.getTransaction(init.id);
      assert.equal(detail.shipped, 0);
      assert.deepEqual(detail.shipments, []);
    });

    c.test('replays a shipment under its idempotency key, and refuses the key with other data (PSP_236)', async () => {
      const { merchant, init } = await authorised(c);
      const key = c.unique('ship-key');
      const input = { merchant, initial: init.id, amount: '35.00', idempotencyKey: key };
      const first = await c.engine.createShipment(input);
      assert.deepEqual(await c.engine.createShipment(input), first);
      assert.equal((await c.engine.getTransaction(init.id)).shipped, 3500, 'debited once');

      await fails(c.engine.createShipment({ ...input, amount: '25.00' }), 'conflict', 'PSP_236');
      const second = await c.engine.createInitial(initialInput(c, { uuid: merchant }));
      await fails(c.engine.createShipment({ ...input, initial: second.id }), 'conflict', 'PSP_236');
      assert.equal((await c.engine.getTransaction(init.id)).shipped, 3500);
      assert.equal((await c.engine.getTransaction(second.id)).shipped, 0);
      assert.equal((await c.engine.listTransactions({ merchant, kinds: ['shipment'] })).items.length, 1);
    });

    c.test('lets concurrent shipments that together exceed the total succeed exactly up to it', async () => {
      const { merchant, init } = await authorised(c);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => c.engine.createShipment({ merchant, initial: init.id, amount: '10.00' })),
      );
      const ok = results.filter((r): r is PromiseFulfilledResult<TransactionView> => r.status === 'fulfilled');
      assert.equal(ok.length, 7, '7 × 10.00 fit in 74.12');
      for (const r of ok) assert.equal(r.value.status, 'PAID');
      for (const r of results) if (r.status === 'rejected') await fails(Promise.reject(r.reason), 'conflict', 'PSP_229');
      const detail = await c.engine.getTransaction(init.id);
      assert.equal(detail.shipped, 7000);
      assert.equal(detail.remaining, 412);
      assert.equal(detail.shipments.length, 7);
    });

    c.test('refunds a shipment, partly then the rest, while the initial itself cannot be refunded', async () => {
      const { merchant, init } = await authorised(c);
      const shipment = await c.engine.createShipment({ merchant, initial: init.id, amount: '35.00' });

      const part = await c.engine.refund({ transaction: shipment.id, amount: '10.00', merchant });
      assert.equal(part.refund.amount, 1000);
      assert.equal(part.refund.currency, 'EUR');
      assert.equal(part.refund.transaction, shipment.id);
      assert.equal(part.transaction.kind, 'shipment');
      assert.equal(part.transaction.refunded, 1000);
      assert.equal(part.transaction.remaining, 2500);
      assert.equal(part.transaction.status, 'PARTIALLY_REFUNDED');

      const rest = await c.engine.refund({ transaction: shipment.id });
      assert.equal(rest.refund.amount, 2500);
      assert.equal(rest.transaction.remaining, 0);
      assert.equal(rest.transaction.status, 'REFUNDED');
      await fails(c.engine.refund({ transaction: shipment.id }), 'conflict', 'nothing_to_refund');
      await fails(c.engine.refund({ transaction: init.id, merchant }), 'conflict', 'initial_not_refundable');
      await fails(c.engine.refund({ transaction: init.id, amount: '1.00' }), 'conflict', 'initial_not_refundable');

      assert.deepEqual(
        (await c.engine.getTransaction(shipment.id)).refunds.map((r) => r.amount),
        [1000, 2500],
      );
      assert.equal((await c.engine.getTransaction(init.id)).remaining, 3912, 'a refund gives nothing back to ship');
      const totals = await c.engine.merchantTotals(merchant);
      assert.equal(totals.paid, '3500');
      assert.equal(totals.refunded, '3500');
    });

    c.test('a card approved at verification whose later debits are declined: the shipment is refused, nothing is shipped', async () => {
      for (const [number, reason] of [
        [LATER_DECLINED, 'card_declined'],
        [LATER_INSUFFICIENT_FUNDS, 'insufficient_funds'],
      ] as const) {
        const { m } = await c.merchant();
        const init = await c.engine.createInitial(initialInput(c, m, { card: card(number) }));
        assert.equal(init.status, 'AUTHORISED', 'the verification is approved');
        const e = await fails(c.engine.createShipment({ merchant: m.uuid, initial: init.id, amount: '35.00' }), 'refused', 'card_declined');
        assert.match(e.message, new RegExp(reason));
        assert.equal((e.transaction as TransactionView).status, 'DECLINED');
        const detail = await c.engine.getTransaction(init.id);
        assert.equal(detail.shipped, 0);
        assert.equal(detail.remaining, 7412, 'the declined amount remains to ship');
        assert.deepEqual(
          detail.shipments.map((s) => [s.amount, s.status]),
          [[3500, 'DECLINED']],
        );
      }
    });

    c.test('a card whose later debit fails technically: PSP_227, nothing debited, the amount still remains to ship', async () => {
      const { m } = await c.merchant();
      const init = await c.engine.createInitial(initialInput(c, m, { card: card(LATER_FAILS) }));
      assert.equal(init.status, 'AUTHORISED');
      await fails(c.engine.createShipment({ merchant: m.uuid, initial: init.id, amount: '35.00' }), 'unavailable', 'PSP_227');
      const detail = await c.engine.getTransaction(init.id);
      assert.equal(detail.remaining, 7412);
      assert.deepEqual(
        detail.shipments.map((s) => s.status),
        ['FAILED'],
      );
    });

    c.test(
      'a card whose later debit goes unanswered: PSP_228, the shipment stays PENDING and keeps counting in what was shipped',
      async () => {
        const { m } = await c.merchant();
        const init = await c.engine.createInitial(initialInput(c, m, { card: card(LATER_UNKNOWN) }));
        assert.equal(init.status, 'AUTHORISED');
        await fails(
          c.engine.createShipment({ merchant: m.uuid, initial: init.id, amount: '70.00', idempotencyKey: 'unknown-1' }),
          'unavailable',
          'PSP_228',
        );
        const replay = c.engine.createShipment({ merchant: m.uuid, initial: init.id, amount: '70.00', idempotencyKey: 'unknown-1' });
        await fails(replay, 'unavailable', 'PSP_228');
        const detail = await c.engine.getTransaction(init.id);
        assert.deepEqual(
          detail.shipments.map((s) => [s.amount, s.status]),
          [[7000, 'PENDING']],
          'one shipment, its outcome unknown',
        );
        assert.equal(detail.remaining, 412, 'the pending 70.00 counts in what was shipped');
        await fails(c.engine.createShipment({ merchant: m.uuid, initial: init.id, amount: '5.00' }), 'conflict', 'PSP_229');
      },
    );
  },
};
