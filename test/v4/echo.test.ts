import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { JANE_BILLING } from './fixtures.js';
import { initialRequest, startV4Service, type V4Service } from './service.js';

/** What the platform echoes of a payment request: in the answer, in every later read, in the IPN, where the IPN goes. */

const CARD = [{ paymentMethodType: 'CARD', pan: '4111111111111111', expiryMonth: '12', expiryYear: '2035' }];

const customer = {
  email: 'jane@example.com',
  reference: 'customer-42',
  billingDetails: { ...JANE_BILLING, language: 'FR' },
  shippingDetails: { shippingMethod: 'DIGITAL_GOOD' },
  shoppingCart: { cartItemInfo: [{ productLabel: 'Course', productRef: 'c-1', productQty: 1, productAmount: 7412 }] },
  ipAddress: '203.0.113.7',
};

describe('V4 echo of request data', () => {
  let svc: V4Service;
  let registered: Receiver;
  let target: Receiver;
  before(async () => {
    registered = await startReceiver(200);
    target = await startReceiver(200);
    svc = await startV4Service({ notificationUrl: `${registered.url}/ipn` });
  });
  after(async () => {
    await svc.close();
    await registered.close();
    await target.close();
  });

  it('echoes metadata and customer.* in the answer, in Transaction/Get, Order/Get and the IPN, which goes to ipnTargetUrl', async () => {
    const r = await svc.call('Charge/CreatePayment', {
      amount: 7412,
      currency: 'EUR',
      orderId: 'echo-1',
      customer,
      metadata: { installment_id: 'i-1', attempt: 2 },
      ipnTargetUrl: `${target.url}/payments/notifications`,
      paymentForms: CARD,
    });
    assert.equal(r.body.status, 'SUCCESS', JSON.stringify(r.answer));
    const check = (where: string, order: any, cust: any, meta: any) => {
      assert.deepEqual(order.metadata, { installment_id: 'i-1', attempt: '2' }, `${where}: orderDetails.metadata`);
      assert.deepEqual(meta, { installment_id: 'i-1', attempt: '2' }, `${where}: the transaction's metadata`);
      assert.equal(cust.reference, 'customer-42', where);
      assert.equal(cust.email, 'jane@example.com', where);
      assert.equal(cust.billingDetails.firstName, 'Jane', where);
      assert.equal(cust.billingDetails.zipCode, '75002', where);
      assert.equal(cust.billingDetails.state, null, `${where}: what was not sent is null`);
      assert.equal(cust.shippingDetails.shippingMethod, 'DIGITAL_GOOD', where);
      assert.equal(cust.shoppingCart.cartItemInfo[0].productLabel, 'Course', where);
      assert.equal(cust.extraDetails.ipAddress, '203.0.113.7', where);
    };
    check('CreatePayment', r.answer.orderDetails, r.answer.customer, r.answer.transactions[0].metadata);
    const uuid = r.answer.transactions[0].uuid;
    const got = (await svc.call('Transaction/Get', { uuid })).answer;
    check('Transaction/Get', got.orderDetails, got.customer, got.metadata);
    const order = (await svc.call('Order/Get', { orderId: 'echo-1' })).answer;
    check('Order/Get', order.orderDetails, order.customer, order.transactions[0].metadata);

    await target.waitFor(1);
    const ipn = target.received[0]!;
    assert.equal(ipn.path, '/payments/notifications', 'the IPN goes to the request’s ipnTargetUrl');
    const answer = JSON.parse(ipn.fields['kr-answer']!);
    check('the IPN', answer.orderDetails, answer.customer, answer.transactions[0].metadata);
    assert.equal(registered.received.length, 0, 'and not to the registered notification URL');
    const [message] = await svc.service.store.listOutbox({ merchantId: svc.merchant.uuid, topic: 'ipn', limit: 1 });
    assert.equal(message!.url, `${target.url}/payments/notifications`, 'an outbox message like any other: signed and retried the same way');
  });

  it('answers orderId null when none was sent, in the answer and afterwards', async () => {
    const r = await svc.call('Charge/CreatePayment', { amount: 1000, currency: 'EUR', paymentForms: CARD });
    assert.equal(r.answer.orderDetails.orderId, null);
    const got = (await svc.call('Transaction/Get', { uuid: r.answer.transactions[0].uuid })).answer;
    assert.equal(got.orderDetails.orderId, null);
  });

  it('keeps metadata small (100 keys, 4 KiB) and never echoes a card number sent in it', async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v']));
    const many = await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'meta-many', metadata: tooMany }));
    assert.equal(many.answer.errorCode, 'INT_902');
    assert.match(many.answer.detailedErrorMessage, /metadata/);
    const big = await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'meta-big', metadata: { note: 'x'.repeat(5000) } }));
    assert.equal(big.answer.errorCode, 'INT_902');
    const nested = await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'meta-nested', metadata: { a: { b: 1 } } }));
    assert.equal(nested.answer.errorCode, 'INT_902');

    const leak = await svc.call(
      'Charge/CreatePayment',
      initialRequest({
        orderId: 'meta-pan',
        metadata: { note: 'card 4111111111111111' },
        customer: { email: 'a@b.co', reference: '5555555555554444' },
      }),
    );
    assert.equal(leak.body.status, 'SUCCESS');
    const everywhere = JSON.stringify(leak.body) + JSON.stringify((await svc.call('Order/Get', { orderId: 'meta-pan' })).body);
    assert.ok(!everywhere.includes('4111111111111111') && !everywhere.includes('5555555555554444'), 'no card number comes back');
    assert.match(leak.answer.orderDetails.metadata.note, /^card 411111\*+1111$/);
  });

  it('refuses an ipnTargetUrl that is not an http(s) URL', async () => {
    const r = await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'bad-ipn', ipnTargetUrl: 'ftp://example.com/ipn' }));
    assert.equal(r.answer.errorCode, 'INT_902');
    assert.match(r.answer.detailedErrorMessage, /ipnTargetUrl/);
  });

  it('keeps what a formToken order sent for the hosted page: the page pays it now, echoes it and notifies ipnTargetUrl', async () => {
    const before = target.received.length;
    const r = await svc.call('Charge/CreatePayment', {
      amount: 2500,
      currency: 'EUR',
      orderId: 'echo-form',
      customer,
      metadata: { cart: 'c-9' },
      ipnTargetUrl: `${target.url}/form-ipn`,
    });
    assert.equal(r.answer._type, 'V4/Charge/PaymentForm');
    assert.ok(r.answer.paymentUrl.length < 2048, 'the page URL stays short: the details wait in the store');
    const page = await fetch(r.answer.paymentUrl);
    assert.match(await page.text(), /debited for this amount now/);
    const paid = await fetch(r.answer.paymentUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ cardNumber: '4111111111111111', expiryMonth: '12', expiryYear: '2035' }).toString(),
    });
    assert.match(await paid.text(), /Payment accepted/);
    await target.waitFor(before + 1);
    const ipn = target.received.at(-1)!;
    assert.equal(ipn.path, '/form-ipn');
    const answer = JSON.parse(ipn.fields['kr-answer']!);
    assert.equal(answer.orderStatus, 'PAID');
    assert.equal(answer.transactions[0].operationType, 'DEBIT');
    assert.deepEqual(answer.orderDetails.metadata, { cart: 'c-9' });
    assert.equal(answer.customer.billingDetails.lastName, 'Doe');
    const again = await fetch(r.answer.paymentUrl);
    assert.match(await again.text(), /Payment accepted/, 'an order is paid once');
  });
});
