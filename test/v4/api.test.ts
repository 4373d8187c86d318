import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startV4Service, initialRequest, type V4Service, type V4Reply } from './service.js';

/** The seed's example and the envelope, through HTTP on `esipay serve`. */

const TX_UUID = /^[0-9a-f]{32}$/;

function assertSuccess(r: V4Reply, webService: string): void {
  assert.equal(r.httpStatus, 200);
  assert.equal(r.body.webService, webService);
  assert.equal(r.body.version, 'V4');
  assert.equal(typeof r.body.applicationVersion, 'string');
  assert.equal(r.body.status, 'SUCCESS', JSON.stringify(r.answer));
  assert.equal(r.body._type, 'V4/WebService/Response');
}

function assertError(r: V4Reply, code: string, httpStatus = 200): void {
  assert.equal(r.httpStatus, httpStatus, JSON.stringify(r.body));
  assert.equal(r.body.status, 'ERROR');
  assert.equal(r.body._type, 'V4/WebService/Response');
  assert.equal(r.answer._type, 'V4/WebService/WebServiceError');
  assert.equal(r.answer.errorCode, code, JSON.stringify(r.answer));
  assert.equal(typeof r.answer.errorMessage, 'string');
  assert.ok('detailedErrorCode' in r.answer && 'detailedErrorMessage' in r.answer);
}

describe("V4 API: the seed's example", () => {
  let svc: V4Service;
  before(async () => {
    svc = await startV4Service();
  });
  after(() => svc.close());

  it('authorises 74.12 EUR, ships 35.00 + 25.00 + 14.12, then refuses a fourth shipment', async () => {
    const init = await svc.call('Charge/CreatePayment', initialRequest());
    assertSuccess(init, 'Charge/CreatePayment');
    const payment = init.answer;
    assert.equal(payment._type, 'V4/Payment');
    assert.equal(payment.shopId, svc.merchant.shopId, "the merchant's 8-digit shop number, as on the platform");
    assert.match(payment.shopId, /^\d{8}$/);
    assert.equal(payment.orderStatus, 'PAID');
    assert.deepEqual(
      { total: payment.orderDetails.orderTotalAmount, currency: payment.orderDetails.orderCurrency, orderId: payment.orderDetails.orderId },
      { total: 7412, currency: 'EUR', orderId: 'myOrder-1234-initial' },
    );
    assert.equal(payment.customer.email, 'sample@example.com');
    const initial = payment.transactions[0];
    assert.match(initial.uuid, TX_UUID);
    assert.equal(initial.operationType, 'VERIFICATION');
    assert.equal(initial.status, 'PAID');
    assert.equal(initial.detailedStatus, 'ACCEPTED');
    assert.equal(initial.amount, 7412);
    assert.equal(initial.transactionDetails.cardDetails.pan, '411111XXXXXX1111');
    assert.equal(initial.transactionDetails.shipment.remainingAmount, 7412);
    const validity = Date.parse(initial.transactionDetails.shipment.expirationDate) - Date.parse(initial.creationDate);
    assert.ok(Math.abs(validity - 180 * 86_400_000) < 2000, 'valid 180 days');
    assert.ok(!JSON.stringify(init.body).includes('4111111111111111'), 'the card number never comes back');

    const shipped: string[] = [];
    for (const [days, amount] of [
      [3, 3500],
      [7, 2500],
      [10, 1412],
    ] as const) {
      svc.clock.advanceDays(days);
      const r = await svc.call('Charge/CreateShipmentTransaction', {
        amount,
        customer: { email: 'sample@example.com' },
        uuid: initial.uuid,
      });
      assertSuccess(r, 'Charge/CreateShipmentTransaction');
      assert.equal(r.answer.status, 'PAID');
      assert.equal(r.answer.detailedStatus, 'AUTHORISED');
      assert.equal(r.answer.operationType, 'DEBIT');
      assert.equal(r.answer.amount, amount);
      assert.equal(r.answer.currency, 'EUR');
      assert.equal(r.answer.shopId, svc.merchant.shopId);
      assert.equal(r.answer.transactionDetails.parentTransactionUuid, initial.uuid);
      assert.equal(r.answer.transactionDetails.shipment.withinPaymentGuarantee, true, 'shipped within 30 days of the order');
      assert.notEqual(r.answer.uuid, initial.uuid);
      shipped.push(r.answer.uuid);
    }

    const fourth = await svc.call('Charge/CreateShipmentTransaction', { amount: 100, uuid: initial.uuid });
    assertError(fourth, 'PSP_229');
    assert.equal(fourth.body.webService, 'Charge/CreateShipmentTransaction');
    assert.match(fourth.answer.detailedErrorMessage, /only 0\.00 EUR remains/);

    const got = await svc.call('Transaction/Get', { uuid: initial.uuid });
    assertSuccess(got, 'Transaction/Get');
    assert.deepEqual(got.answer.transactionDetails.shipment, {
      authorisedAmount: 7412,
      shippedAmount: 7412,
      remainingAmount: 0,
      expirationDate: initial.transactionDetails.shipment.expirationDate,
    });

    const order = await svc.call('Order/Get', { orderId: 'myOrder-1234-initial' });
    assertSuccess(order, 'Order/Get');
    assert.deepEqual(
      order.answer.transactions.map((t: any) => [t.uuid, t.operationType, t.amount]),
      [
        [initial.uuid, 'VERIFICATION', 7412],
        [shipped[0], 'DEBIT', 3500],
        [shipped[1], 'DEBIT', 2500],
        [shipped[2], 'DEBIT', 1412],
      ],
    );
  });

  it('says when a shipment falls outside the 30-day payment guarantee', async () => {
    const init = await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'late-order' }));
    const uuid = init.answer.transactions[0].uuid;
    svc.clock.advanceDays(31);
    const r = await svc.call('Charge/CreateShipmentTransaction', { amount: 1000, uuid });
    assertSuccess(r, 'Charge/CreateShipmentTransaction');
    assert.equal(r.answer.transactionDetails.shipment.withinPaymentGuarantee, false);
  });

  it('answers a declined card as an UNPAID payment, against which nothing ships', async () => {
    const r = await svc.call(
      'Charge/CreatePayment',
      initialRequest({
        orderId: 'declined-order',
        paymentForms: [{ paymentMethodType: 'CARD', pan: '4000000000009995', expiryMonth: 12, expiryYear: 2035 }],
      }),
    );
    assertSuccess(r, 'Charge/CreatePayment');
    assert.equal(r.answer.orderStatus, 'UNPAID');
    const tx = r.answer.transactions[0];
    assert.equal(tx.status, 'UNPAID');
    assert.equal(tx.detailedStatus, 'REFUSED');
    assert.equal(tx.errorCode, 'ACQ_001');
    assert.equal(r.answer.orderCycle, 'OPEN', 'the buyer may try again');
    assert.equal(tx.detailedErrorCode, '51', "the network's code for insufficient funds, as the platform passes it on");
    assert.match(tx.detailedErrorMessage, /insufficient_funds/);
    const ship = await svc.call('Charge/CreateShipmentTransaction', { amount: 100, uuid: tx.uuid });
    assertError(ship, 'PSP_229');
  });

  it('refunds a shipment in part (a CREDIT under it), never beyond what remains', async () => {
    const init = await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'refund-order' }));
    const ship = await svc.call('Charge/CreateShipmentTransaction', { amount: 3500, uuid: init.answer.transactions[0].uuid });
    const refund = await svc.call('Transaction/Refund', { uuid: ship.answer.uuid, amount: 1000, currency: 'EUR' });
    assertSuccess(refund, 'Transaction/Refund');
    assert.equal(refund.answer.operationType, 'CREDIT');
    assert.equal(refund.answer.amount, 1000);
    assert.equal(refund.answer.transactionDetails.parentTransactionUuid, ship.answer.uuid);
    const got = await svc.call('Transaction/Get', { uuid: ship.answer.uuid });
    assert.equal(got.answer.transactionDetails.refundedAmount, 1000);
  });

  it('accepts the previous secret during a rotation, and a body with fields it does not know', async () => {
    const rotated = await svc.engine.rotateMerchantSecret(svc.merchant.uuid);
    const withOld = await svc.call('Transaction/Get', { uuid: '0'.repeat(32) }, { as: svc.merchant });
    assertError(withOld, 'PSP_010');
    const withNew = await svc.call(
      'Charge/CreatePayment',
      initialRequest({ orderId: 'rotated', metadata: { cart: 'x' }, ipnTargetUrl: null, contrib: 'shop/1.0' }),
      { as: rotated },
    );
    assertSuccess(withNew, 'Charge/CreatePayment');
  });
});

describe('V4 API: expiry after 180 days', () => {
  let svc: V4Service;
  before(async () => {
    svc = await startV4Service();
  });
  after(() => svc.close());

  it('ships until the 180th day, then refuses with PSP_229 and shows the initial transaction EXPIRED', async () => {
    const init = await svc.call('Charge/CreatePayment', initialRequest());
    const uuid = init.answer.transactions[0].uuid;
    svc.clock.advanceDays(179);
    assertSuccess(await svc.call('Charge/CreateShipmentTransaction', { amount: 3500, uuid }), 'Charge/CreateShipmentTransaction');
    svc.clock.advanceDays(1);
    const late = await svc.call('Charge/CreateShipmentTransaction', { amount: 100, uuid });
    assertError(late, 'PSP_229');
    assert.match(late.answer.detailedErrorMessage, /expired/);
    const got = await svc.call('Transaction/Get', { uuid });
    assert.equal(got.answer.status, 'UNPAID');
    assert.equal(got.answer.detailedStatus, 'EXPIRED');
    assert.equal(got.answer.transactionDetails.shipment.remainingAmount, 0);
    assert.equal(got.answer.transactionDetails.shipment.shippedAmount, 3500);
  });
});

describe('V4 API: concurrent shipments', () => {
  let svc: V4Service;
  before(async () => {
    svc = await startV4Service();
  });
  after(() => svc.close());

  it('lets exactly the shipments that fit succeed when together they exceed the total', async () => {
    const init = await svc.call('Charge/CreatePayment', initialRequest());
    const uuid = init.answer.transactions[0].uuid;
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => svc.call('Charge/CreateShipmentTransaction', { amount: 500, uuid })),
    );
    const ok = replies.filter((r) => r.body.status === 'SUCCESS');
    const refused = replies.filter((r) => r.body.status === 'ERROR');
    assert.equal(ok.length, 14, '14 × 5.00 fit in 74.12');
    for (const r of ok) assert.equal(r.answer.status, 'PAID');
    for (const r of refused) assert.equal(r.answer.errorCode, 'PSP_229');
    const got = await svc.call('Transaction/Get', { uuid });
    assert.equal(got.answer.transactionDetails.shipment.shippedAmount, 7000);
    assert.equal(got.answer.transactionDetails.shipment.remainingAmount, 412);
    const order = await svc.call('Order/Get', { orderId: 'myOrder-1234-initial' });
    assert.equal(order.answer.transactions.filter((t: any) => t.operationType === 'DEBIT' && t.status === 'PAID').length, 14);
  });
});
