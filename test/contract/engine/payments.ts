import assert from 'node:assert/strict';
import { verifySignature } from '../../../src/callback/signature.js';
import type { MerchantView, TransactionView } from '../../../src/domain/types.js';
import { closedUrl } from '../../helpers/receiver.js';
import { ACQUIRER_FAILS, DECLINED, MASTERCARD, VISA } from './cards.js';
import { fails } from './fails.js';
import type { UseCase } from './run-engine-contract.js';

/** Card payments (v2 cardpay): the return URL's answer decides, a cid is charged once. */
export const payments: UseCase = {
  name: 'payments',
  cases(c) {
    c.test('pays: PAID once the return URL answered 200, with a signed callback carrying type, amount, transaction and cid', async () => {
      const { m, r } = await c.merchant();
      const tx = await c.engine.pay(c.payInput(m, { cid: 'order-42', amount: '74.12' }));
      assert.equal(tx.status, 'PAID');
      assert.equal(tx.kind, 'card');
      assert.equal(tx.merchant, m.uuid);
      assert.equal(tx.cid, 'order-42');
      assert.equal(tx.amount, 7412);
      assert.equal(tx.currency, 'EUR');
      assert.equal(tx.refunded, 0);
      assert.equal(tx.remaining, 7412);
      assert.deepEqual(tx.card, { first6: '411111', last4: '1111', brand: 'visa' });
      assert.match(tx.id, /^[0-9a-f]{32}$/);

      assert.equal(r.received.length, 1);
      const cb = r.received[0]!;
      assert.equal(cb.method, 'POST');
      assert.equal(cb.path, '/paid');
      assert.deepEqual(cb.fields, { type: 'card', amount: '74.12', transaction: tx.id, cid: 'order-42' });
      assert.ok(
        verifySignature(cb.body, String(cb.headers['esipay-signature']), [m.secret]).ok,
        'the callback is signed with the merchant secret',
      );
      assert.ok(!cb.body.includes(VISA), 'the callback never carries the card number');

      const detail = await c.engine.getTransaction(tx.id);
      assert.equal(detail.status, 'PAID');
      assert.deepEqual(detail.callback, { status: 200, error: null });
      assert.deepEqual(detail.refunds, []);
      assert.deepEqual(await c.engine.getTransaction(tx.id, m.uuid), detail);
      assert.ok(!JSON.stringify(detail).includes(VISA));
    });

    c.test('pays in a currency without decimals', async () => {
      const { m, r } = await c.merchant(200, { currency: 'JPY' });
      const tx = await c.engine.pay(c.payInput(m, { amount: '500', card: { number: MASTERCARD } }));
      assert.equal(tx.amount, 500);
      assert.equal(tx.currency, 'JPY');
      assert.equal(tx.card?.brand, 'mastercard');
      assert.equal(r.received[0]!.fields.amount, '500');
      await fails(c.engine.pay(c.payInput(m, { amount: '5.5' })), 'invalid', 'invalid_amount');
    });

    for (const [what, behaviour] of [
      ['answers 500', 500],
      ['answers 201 (only 200 counts)', 201],
      ['never answers', 'hang'],
      ['drops the connection', 'close'],
    ] as const) {
      c.test(`cancels the payment when the return URL ${what}`, async () => {
        const { m, r } = await c.merchant(behaviour);
        const e = await fails(c.engine.pay(c.payInput(m)), 'cancelled', 'callback_failed');
        const recorded = e.transaction as TransactionView;
        assert.equal(recorded.status, 'CANCELLED');
        assert.equal(recorded.remaining, 0);
        assert.equal(r.received.length, 1);
        const detail = await c.engine.getTransaction(recorded.id);
        assert.equal(detail.status, 'CANCELLED');
        assert.equal(detail.callback?.status ?? null, typeof behaviour === 'number' ? behaviour : null);
        assert.deepEqual(
          (await c.allTransactions(m.uuid)).map((t) => t.status),
          ['CANCELLED'],
        );
        assert.equal((await c.engine.merchantTotals(m.uuid)).paid, '0');
      });
    }

    c.test('cancels the payment when nothing listens at the return URL', async () => {
      const url = await closedUrl();
      const m = await c.engine.registerMerchant({ name: 'Gone', ip: c.subject.merchantIp, returnUrl: `${url}/paid` });
      const e = await fails(c.engine.pay(c.payInput(m)), 'cancelled', 'callback_failed');
      assert.equal((e.transaction as TransactionView).status, 'CANCELLED');
    });

    c.test('records a declined card as DECLINED, without calling the return URL', async () => {
      const { m, r } = await c.merchant();
      const e = await fails(c.engine.pay(c.payInput(m, { card: { number: DECLINED } })), 'refused', 'card_declined');
      const recorded = e.transaction as TransactionView;
      assert.equal(recorded.status, 'DECLINED');
      assert.equal((await c.engine.getTransaction(recorded.id)).status, 'DECLINED');
      assert.equal(r.received.length, 0);
    });

    c.test('reports an acquirer failure as unavailable, records it FAILED, and charges nothing', async () => {
      const { m, r } = await c.merchant();
      await fails(c.engine.pay(c.payInput(m, { card: { number: ACQUIRER_FAILS } })), 'unavailable', 'acquirer_error');
      assert.deepEqual(
        (await c.allTransactions(m.uuid)).map((t) => t.status),
        ['FAILED'],
      );
      assert.equal(r.received.length, 0);
    });

    c.test('refuses bad parameters with the parameter named, and records nothing', async () => {
      const { m, r } = await c.merchant();
      for (const amount of ['abc', '0', '0.00', '-1', '1e3', '12,50', '1.234', ' 12', '', '12.', '.5', '0x10', '99999999999999999999']) {
        await fails(c.engine.pay(c.payInput(m, { amount })), 'invalid', 'invalid_amount');
      }
      for (const number of ['4111111111111112', '411111111111', 'abcd', '', '4111 1111 1111 1111', '41111111111111111111']) {
        await fails(c.engine.pay(c.payInput(m, { card: { number } })), 'invalid', 'invalid_card_number');
      }
      for (const month of ['13', '0', '00', 'ab', '', '1.5', '-1']) {
        await fails(c.engine.pay(c.payInput(m, { card: { month } })), 'invalid', 'invalid_card_month');
      }
      for (const year of ['20x5', '123', '', '99999']) {
        await fails(c.engine.pay(c.payInput(m, { card: { year } })), 'invalid', 'invalid_card_year');
      }
      await fails(c.engine.pay(c.payInput(m, { card: { month: '1', year: '2020' } })), 'invalid', 'card_expired');
      for (const cid of ['', 'a b', 'x'.repeat(65), 'a/b']) {
        await fails(c.engine.pay(c.payInput(m, { cid })), 'invalid', 'invalid_cid');
      }
      assert.deepEqual(await c.allTransactions(m.uuid), []);
      assert.equal(r.received.length, 0);
    });

    c.test('refuses a payment for an unknown merchant', async () => {
      await fails(
        c.engine.pay({ ...c.payInput({ uuid: '00000000-0000-4000-8000-000000000000' } as MerchantView) }),
        'not_found',
        'unknown_merchant',
      );
    });

    c.test('charges a cid once: the same payment again gives the same transaction and no second callback', async () => {
      const { m, r } = await c.merchant();
      const input = c.payInput(m, { cid: 'retry-me' });
      const first = await c.engine.pay(input);
      const again = await c.engine.pay(input);
      assert.deepEqual(again, first);
      assert.equal(r.received.length, 1);
      assert.equal((await c.allTransactions(m.uuid)).length, 1);
    });

    c.test('refuses a cid reused for a different payment, and changes nothing', async () => {
      const { m, r } = await c.merchant();
      const first = await c.engine.pay(c.payInput(m, { cid: 'once', amount: '10.00' }));
      await fails(c.engine.pay(c.payInput(m, { cid: 'once', amount: '10.01' })), 'conflict', 'cid_reused');
      await fails(c.engine.pay(c.payInput(m, { cid: 'once', amount: '10.00', card: { number: MASTERCARD } })), 'conflict', 'cid_reused');
      await fails(c.engine.pay(c.payInput(m, { cid: 'once', amount: '10.00', card: { month: '11' } })), 'conflict', 'cid_reused');
      assert.deepEqual(
        (await c.allTransactions(m.uuid)).map((t) => t.id),
        [first.id],
      );
      assert.equal(r.received.length, 1);
    });

    c.test('keeps a declined cid declined when it is retried', async () => {
      const { m } = await c.merchant();
      const input = c.payInput(m, { card: { number: DECLINED } });
      await fails(c.engine.pay(input), 'refused', 'card_declined');
      await fails(c.engine.pay(input), 'refused', 'card_declined');
      assert.equal((await c.allTransactions(m.uuid)).length, 1);
    });

    c.test('lets two merchants use the same cid', async () => {
      const a = await c.merchant();
      const b = await c.merchant();
      const ta = await c.engine.pay(c.payInput(a.m, { cid: 'shared' }));
      const tb = await c.engine.pay(c.payInput(b.m, { cid: 'shared' }));
      assert.notEqual(ta.id, tb.id);
    });
  },
};
