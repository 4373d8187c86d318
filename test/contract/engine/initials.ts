import assert from 'node:assert/strict';
import type { TransactionView } from '../../../src/domain/types.js';
import type { CreateInitialInput } from '../../../src/engine/engine.js';
import { ACQUIRER_FAILS, card, DECLINED, INSUFFICIENT_FUNDS, MASTERCARD, VISA } from './cards.js';
import { fails } from './fails.js';
import { initialInput } from './seed-inputs.js';
import type { UseCase } from './run-engine-contract.js';

const DAY_MS = 86_400_000;

/** Payment at shipment, first step: the card checked for the order's total, nothing debited. */
export const initials: UseCase = {
  name: 'initials',
  cases(c) {
    c.test('authorises an initial: AUTHORISED for the amount and currency, nothing debited, shippable for 180 days', async () => {
      const { m } = await c.merchant();
      const init = await c.engine.createInitial(initialInput(c, m, { orderId: 'myOrder-1234-initial' }));
      assert.equal(init.kind, 'initial');
      assert.equal(init.status, 'AUTHORISED');
      assert.equal(init.merchant, m.uuid);
      assert.equal(init.cid, 'myOrder-1234-initial');
      assert.equal(init.amount, 7412);
      assert.equal(init.currency, 'EUR');
      assert.equal(init.shipped, 0);
      assert.equal(init.remaining, 7412, 'all of it remains to ship');
      assert.equal(init.refunded, 0);
      assert.deepEqual(init.card, { first6: '411111', last4: '1111', brand: 'visa' });
      assert.match(init.id, /^[0-9a-f]{32}$/);
      assert.equal(Date.parse(init.expiresAt!) - Date.parse(init.createdAt), 180 * DAY_MS, 'valid 180 days');

      const detail = await c.engine.getTransaction(init.id);
      const { refunds, shipments, callback: _callback, ...view } = detail;
      assert.deepEqual(view, init);
      assert.deepEqual(refunds, []);
      assert.deepEqual(shipments, []);
      assert.deepEqual(await c.engine.getTransaction(init.id, m.uuid), detail);
      assert.ok(!JSON.stringify(detail).includes(VISA), 'the card number is never given back');

      assert.deepEqual(await c.allTransactions(m.uuid), [init]);
      assert.deepEqual((await c.engine.listTransactions({ merchant: m.uuid, kinds: ['initial'] })).items, [init]);
      assert.deepEqual((await c.engine.listTransactions({ merchant: m.uuid, kinds: ['card'] })).items, []);
      const totals = await c.engine.merchantTotals(m.uuid);
      assert.equal(totals.paid, '0', 'an initial debits nothing');
      assert.equal(totals.toShip, '7412');
    });

    c.test('stands the transaction id in for an orderId left empty', async () => {
      const { m } = await c.merchant();
      const init = await c.engine.createInitial(initialInput(c, m, { orderId: '' }));
      assert.equal(init.cid, init.id);
    });

    c.test('authorises in a currency without decimals', async () => {
      const { m } = await c.merchant(200, { currency: 'JPY' });
      const init = await c.engine.createInitial(initialInput(c, m, { amount: '500', currency: 'JPY', card: card(MASTERCARD) }));
      assert.equal(init.amount, 500);
      assert.equal(init.currency, 'JPY');
      assert.equal(init.card?.brand, 'mastercard');
    });

    for (const [number, reason] of [
      [DECLINED, 'card_declined'],
      [INSUFFICIENT_FUNDS, 'insufficient_funds'],
    ] as const) {
      c.test(`records a card declined (${reason}) as DECLINED, against which nothing can be shipped`, async () => {
        const { m } = await c.merchant();
        const e = await fails(c.engine.createInitial(initialInput(c, m, { card: card(number) })), 'refused', 'card_declined');
        assert.match(e.message, new RegExp(reason));
        const recorded = e.transaction as TransactionView;
        assert.equal(recorded.status, 'DECLINED');
        assert.equal(recorded.kind, 'initial');
        assert.equal(recorded.reason, reason);
        assert.equal(recorded.remaining, 0);
        assert.equal((await c.engine.getTransaction(recorded.id)).status, 'DECLINED');
        await fails(c.engine.createShipment({ merchant: m.uuid, initial: recorded.id, amount: '10.00' }), 'conflict', 'PSP_229');
        assert.equal((await c.engine.merchantTotals(m.uuid)).toShip, '0');
      });
    }

    c.test('reports an acquirer failure as unavailable and records it FAILED', async () => {
      const { m } = await c.merchant();
      const e = await fails(c.engine.createInitial(initialInput(c, m, { card: card(ACQUIRER_FAILS) })), 'unavailable', 'acquirer_error');
      assert.equal((e.transaction as TransactionView).status, 'FAILED');
      assert.deepEqual(
        (await c.allTransactions(m.uuid)).map((t) => t.status),
        ['FAILED'],
      );
    });

    c.test('refuses bad initials with the seed codes, and records nothing', async () => {
      const { m } = await c.merchant();
      const refused: [Partial<CreateInitialInput>, string][] = [
        ...['0', '0.00', '-1', 'abc', '1.234'].map((a): [Partial<CreateInitialInput>, string] => [{ amount: a }, 'INT_009']),
        [{ currency: '' }, 'INT_010'],
        [{ currency: 'eur' }, 'INT_010'],
        [{ currency: 'EURO' }, 'INT_010'],
        [{ currency: 'XYZ' }, 'PSP_519'],
        [{ currency: 'USD' }, 'PSP_606'],
        [{ orderId: 'has space' }, 'invalid_order_id'],
        [{ orderId: 'a/b' }, 'invalid_order_id'],
        [{ email: 'not-an-email' }, 'invalid_email'],
        [{ card: { ...card(), number: '4111111111111112' } }, 'invalid_card_number'],
        [{ card: { ...card(), month: '13' } }, 'invalid_card_month'],
        [{ card: { ...card(), year: '20x5' } }, 'invalid_card_year'],
        [{ card: { ...card(), month: '1', year: '2020' } }, 'card_expired'],
        [{ idempotencyKey: 'has space' }, 'invalid_idempotency_key'],
      ];
      for (const [over, code] of refused) await fails(c.engine.createInitial(initialInput(c, m, over)), 'invalid', code);
      await fails(
        c.engine.createInitial(initialInput(c, { uuid: '00000000-0000-4000-8000-000000000000' })),
        'not_found',
        'unknown_merchant',
      );
      assert.deepEqual(await c.allTransactions(m.uuid), []);
    });

    c.test('replays an initial under its idempotency key: the same data gives the same transaction, other data is refused', async () => {
      const { m } = await c.merchant();
      const input = initialInput(c, m, { idempotencyKey: c.unique('initial-key') });
      const first = await c.engine.createInitial(input);
      assert.deepEqual(await c.engine.createInitial(input), first);
      await fails(c.engine.createInitial({ ...input, amount: '74.13' }), 'conflict', 'idempotency_key_reused');
      await fails(c.engine.createInitial({ ...input, card: card(MASTERCARD) }), 'conflict', 'idempotency_key_reused');
      await fails(c.engine.createInitial({ ...input, orderId: c.unique('myOrder') }), 'conflict', 'idempotency_key_reused');
      assert.deepEqual(
        (await c.allTransactions(m.uuid)).map((t) => t.id),
        [first.id],
      );
    });

    c.test('gives concurrent retries of one initial under its key one transaction', async () => {
      const { m } = await c.merchant();
      const input = initialInput(c, m, { idempotencyKey: c.unique('initial-key') });
      const all = await Promise.all(Array.from({ length: 5 }, () => c.engine.createInitial(input)));
      for (const tx of all) assert.deepEqual(tx, all[0]);
      assert.deepEqual(await c.allTransactions(m.uuid), [all[0]]);
    });

    c.test('keeps a declined initial declined when it is replayed under its key', async () => {
      const { m } = await c.merchant();
      const input = initialInput(c, m, { card: card(DECLINED), idempotencyKey: c.unique('initial-key') });
      const first = (await fails(c.engine.createInitial(input), 'refused', 'card_declined')).transaction as TransactionView;
      const again = (await fails(c.engine.createInitial(input), 'refused', 'card_declined')).transaction as TransactionView;
      assert.equal(again.id, first.id);
      assert.equal((await c.allTransactions(m.uuid)).length, 1);
    });
  },
};
