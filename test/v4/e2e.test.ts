import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JANE_BILLING } from './fixtures.js';
import { IpnEndpoint, LyraClient, PlatformError, field } from './lyra-client.js';
import { startV4Service, type V4Service } from './service.js';

/**
 * A whole order through a V4 client written from the platform's documentation only
 * (lyra-client.ts), against `esipay serve`: the seed's payment at shipment, as a real integration
 * runs it. esipay is only started and a merchant registered; everything else is the client's.
 */
describe('a V4 client written from the platform documentation runs a whole order against esipay', () => {
  let svc: V4Service;
  let client: LyraClient;
  let ipn: IpnEndpoint;
  before(async () => {
    svc = await startV4Service();
    const { shopId, secret } = svc.merchant;
    client = new LyraClient(svc.url, shopId!, secret);
    ipn = new IpnEndpoint(client);
    await ipn.start();
  });
  after(async () => {
    await ipn.close();
    await svc.close();
  });

  it('SDKTest, CreatePayment (IPN verified with kr-hash), three shipments, a refund, Order/Get', async () => {
    // The SDK's own connection test.
    assert.equal(field(await client.post('Charge/SDKTest', { value: 'connection-test' }), 'value'), 'connection-test');

    // The seed's initial transaction, with the card (a PCI-DSS merchant), the IPN to this endpoint.
    const created = await client.post('Charge/CreatePayment', {
      amount: 7412,
      currency: 'EUR',
      orderId: 'myOrder-1234-initial',
      useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION',
      customer: {
        email: 'sample@example.com',
        reference: 'user-17',
        billingDetails: JANE_BILLING,
      },
      metadata: { installment_id: 'inst-1' },
      ipnTargetUrl: ipn.url,
      paymentForms: [{ paymentMethodType: 'CARD', pan: '4970100000000055', expiryMonth: '12', expiryYear: '2035' }],
    });
    assert.equal(field(created, 'orderStatus'), 'PAID');

    await ipn.waitFor(1);
    assert.deepEqual(ipn.rejected, [], 'every IPN verified and read');
    const paid = ipn.payments[0]!;
    assert.equal(paid.orderId, 'myOrder-1234-initial');
    assert.equal(paid.orderStatus, 'PAID');
    assert.equal(paid.amount, 7412);
    assert.equal(paid.pan, '497010XXXXXX0055');
    assert.equal(paid.brand, 'VISA');
    assert.deepEqual([paid.expiryMonth, paid.expiryYear], [12, 2035]);
    assert.equal(paid.paymentMethodSource, 'NEW');
    assert.equal(paid.creationContext, 'VERIFICATION');
    assert.deepEqual(paid.metadata, { installment_id: 'inst-1' });
    assert.deepEqual(paid.billingAddress, JANE_BILLING);
    assert.equal(paid.customerReference, 'user-17');
    const initial = paid.transactionUuid;
    assert.equal(initial, field(created, 'transactions')[0].uuid, 'the IPN names the transaction CreatePayment answered');

    // Three shipments (the seed's 35.00, 25.00 and 14.12 EUR).
    const shipments: string[] = [];
    for (const amount of [3500, 2500, 1412]) {
      const shipment = await client.post('Charge/CreateShipmentTransaction', {
        amount,
        customer: { email: 'sample@example.com' },
        uuid: initial,
      });
      assert.equal(field(shipment, 'status'), 'PAID');
      assert.equal(field(shipment, 'amount'), amount);
      assert.equal(field(shipment, 'operationType'), 'DEBIT');
      shipments.push(field(shipment, 'uuid'));
    }
    await assert.rejects(
      client.post('Charge/CreateShipmentTransaction', { amount: 1, uuid: initial }),
      (e: unknown) => e instanceof PlatformError && e.errorCode === 'PSP_229',
      'nothing ships beyond the authorised total',
    );

    // A refund of part of the second shipment: a CREDIT transaction of its own.
    const refund = await client.post('Transaction/Refund', { uuid: shipments[1], amount: 1000, currency: 'EUR' });
    assert.equal(field(refund, 'operationType'), 'CREDIT');
    assert.equal(field(refund, 'transactionDetails.creationContext'), 'REFUND');
    assert.equal(field(refund, 'transactionDetails.parentTransactionUuid'), shipments[1]);
    assert.equal(field(await client.post('Transaction/Get', { uuid: field(refund, 'uuid') }), 'amount'), 1000);

    // The whole order.
    const order = await client.post('Order/Get', { orderId: 'myOrder-1234-initial' });
    assert.equal(field(order, '_type'), 'V4/OrderTransactions');
    assert.equal(field(order, 'orderDetails.orderTotalAmount'), 7412);
    const rows = (field(order, 'transactions') as unknown[]).map((t) => [
      field(t, 'operationType'),
      field(t, 'transactionDetails.creationContext'),
      field(t, 'amount'),
      field(t, 'status'),
    ]);
    assert.deepEqual(rows, [
      ['VERIFICATION', 'VERIFICATION', 7412, 'PAID'],
      ['DEBIT', 'CHARGE', 3500, 'PAID'],
      ['DEBIT', 'CHARGE', 2500, 'PAID'],
      ['DEBIT', 'CHARGE', 1412, 'PAID'],
      ['CREDIT', 'REFUND', 1000, 'PAID'],
    ]);
    const debited = rows.filter((r) => r[0] === 'DEBIT').reduce((sum, r) => sum + (r[2] as number), 0);
    const credited = rows.filter((r) => r[0] === 'CREDIT').reduce((sum, r) => sum + (r[2] as number), 0);
    assert.equal(debited - credited, 7412 - 1000, 'what the buyer paid in the end');

    // Unknown transactions are the platform's PSP_010.
    await assert.rejects(
      client.post('Transaction/Get', { uuid: '0'.repeat(32) }),
      (e: unknown) => e instanceof PlatformError && e.errorCode === 'PSP_010',
    );
  });

  it('pays immediately with a plain CreatePayment, and reads a refused payment without crashing', async () => {
    const before = ipn.payments.length;
    const card = (pan: string) => [{ paymentMethodType: 'CARD', pan, expiryMonth: 12, expiryYear: 2035 }];
    await client.post('Charge/CreatePayment', {
      amount: 990,
      currency: 'EUR',
      ipnTargetUrl: ipn.url,
      paymentForms: card('5555555555554444'),
    });
    await client.post('Charge/CreatePayment', {
      amount: 990,
      currency: 'EUR',
      orderId: 'declined-1',
      ipnTargetUrl: ipn.url,
      paymentForms: card('4000000000009995'),
    });
    await ipn.waitFor(before + 2);
    // The two IPNs may come in either order.
    const notified = ipn.payments.slice(before);
    const refused = notified.find((p) => p.orderId === 'declined-1');
    const now = notified.find((p) => p.orderId !== 'declined-1');
    assert.deepEqual([now!.orderStatus, now!.orderId, now!.creationContext], ['PAID', null, 'CHARGE']);
    assert.equal(refused!.orderStatus, 'UNPAID');
    assert.deepEqual(ipn.rejected, []);
  });
});
