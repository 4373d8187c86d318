import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import * as A from '../../src/server/v4/answer-schemas.js';
import { initialRequest, serviceWithIpnReceiver, type V4Reply } from './service.js';

/**
 * esipay's V4 answers against the platform's objects (answer-schemas.ts): every field of the
 * reference there with its type, for every web service and for the IPN, in every outcome.
 */

function parses<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
    assert.fail(`${what} does not parse as the platform's object:\n  ${issues.join('\n  ')}`);
  }
  return r.data;
}

/** The envelope, then its answer as `schema`. */
function answerOf<T extends z.ZodType>(r: V4Reply, schema: T, what: string): z.infer<T> {
  parses(A.WebServiceResponse, r.body, `${what}: the envelope`);
  assert.equal(r.body.status, 'SUCCESS', JSON.stringify(r.answer));
  return parses(schema, r.answer, what);
}

const immediate = (pan = '4111111111111111', extra: Record<string, unknown> = {}) =>
  initialRequest({
    useCase: undefined,
    orderId: `now-${pan.slice(-4)}-${Math.random().toString(16).slice(2, 8)}`,
    ...extra,
    paymentForms: [{ paymentMethodType: 'CARD', pan, expiryMonth: '12', expiryYear: '2035' }],
  });

describe("V4 answers parse as the platform's objects", () => {
  const running = serviceWithIpnReceiver();

  it('V4/Payment for an immediate payment: paid, refused (orderCycle OPEN, numeric detailedErrorCode) and failed', async () => {
    const paid = answerOf(await running.svc.call('Charge/CreatePayment', immediate()), A.Payment, 'a paid immediate payment');
    assert.equal(paid.orderStatus, 'PAID');
    assert.equal(paid.orderCycle, 'CLOSED');
    const tx = paid.transactions[0]!;
    assert.deepEqual([tx.operationType, tx.status, tx.transactionDetails.creationContext], ['DEBIT', 'PAID', 'CHARGE']);
    assert.equal(tx.transactionDetails.cardDetails.paymentMethodSource, 'NEW');
    assert.deepEqual([tx.transactionDetails.cardDetails.expiryMonth, tx.transactionDetails.cardDetails.expiryYear], [12, 2035]);
    assert.equal(tx.transactionDetails.cardDetails.authorizationResponse.authorizationResult, '0');

    const refused = answerOf(await running.svc.call('Charge/CreatePayment', immediate('4000000000009995')), A.Payment, 'a refused payment');
    assert.deepEqual([refused.orderStatus, refused.orderCycle], ['UNPAID', 'OPEN']);
    const r = refused.transactions[0]!;
    assert.deepEqual([r.status, r.detailedStatus, r.errorCode, r.detailedErrorCode], ['UNPAID', 'REFUSED', 'ACQ_001', '51']);
    assert.equal(r.transactionDetails.cardDetails.authorizationResponse.authorizationResult, '51');

    const failed = answerOf(await running.svc.call('Charge/CreatePayment', immediate('4000000000000119')), A.Payment, 'a failed payment');
    assert.deepEqual([failed.orderStatus, failed.transactions[0]!.detailedStatus], ['UNPAID', 'ERROR']);
  });

  it('V4/Payment and V4/Transaction for payment at shipment: the initial transaction, its shipments, Transaction/Get', async () => {
    const payment = answerOf(
      await running.svc.call('Charge/CreatePayment', initialRequest({ orderId: 'schema-ship' })),
      A.Payment,
      'an initial transaction',
    );
    const initial = payment.transactions[0]!;
    assert.deepEqual([initial.operationType, initial.transactionDetails.creationContext], ['VERIFICATION', 'VERIFICATION']);
    const shipment = answerOf(
      await running.svc.call('Charge/CreateShipmentTransaction', { uuid: initial.uuid, amount: 3500 }),
      A.Transaction,
      'a shipment',
    );
    assert.equal(shipment.orderDetails.orderTotalAmount, 7412, "the shipment's order is the initial transaction's");
    assert.equal(shipment.orderDetails.orderId, 'schema-ship');
    answerOf(
      await running.svc.call('Transaction/Get', { uuid: initial.uuid }),
      A.Transaction,
      'Transaction/Get of the initial transaction',
    );
    answerOf(await running.svc.call('Transaction/Get', { uuid: shipment.uuid }), A.Transaction, 'Transaction/Get of a shipment');
  });

  it('a refund is a V4/Transaction: a CREDIT with creationContext REFUND that Transaction/Get and Order/Get know', async () => {
    const paid = (await running.svc.call('Charge/CreatePayment', immediate('5555555555554444', { orderId: 'schema-refund' }))).answer;
    const uuid = paid.transactions[0].uuid;
    const refund = answerOf(await running.svc.call('Transaction/Refund', { uuid, amount: 1000 }), A.Transaction, 'a refund');
    assert.deepEqual([refund.operationType, refund.transactionDetails.creationContext], ['CREDIT', 'REFUND']);
    assert.equal(refund.transactionDetails.parentTransactionUuid, uuid);
    assert.equal(refund.amount, 1000);
    const got = answerOf(await running.svc.call('Transaction/Get', { uuid: refund.uuid }), A.Transaction, 'Transaction/Get of a refund');
    assert.deepEqual(got, refund);
    const rest = answerOf(await running.svc.call('Transaction/CancelOrRefund', { uuid }), A.Transaction, 'CancelOrRefund');
    assert.equal(rest.amount, 7412 - 1000, 'CancelOrRefund gives back all that remains');
    const refunded = answerOf(await running.svc.call('Transaction/Get', { uuid }), A.Transaction, 'the refunded payment');
    assert.equal(refunded.transactionDetails.cardDetails.captureResponse.refundAmount, 7412);

    const order = answerOf(await running.svc.call('Order/Get', { orderId: 'schema-refund' }), A.OrderTransactions, 'Order/Get');
    assert.deepEqual(
      order.transactions.map((t) => [t.operationType, t.transactionDetails.creationContext, t.amount]),
      [
        ['DEBIT', 'CHARGE', 7412],
        ['CREDIT', 'REFUND', 1000],
        ['CREDIT', 'REFUND', 6412],
      ],
    );
  });

  it('the IPN carries a V4/Payment; Charge/SDKTest is a V4/Type/String; errors are V4/WebService/WebServiceError', async () => {
    const before = running.receiver.received.length;
    const r = await running.svc.call('Charge/CreatePayment', immediate('4111111111111111', { orderId: 'schema-ipn' }));
    await running.receiver.waitFor(before + 1);
    const ipn = running.receiver.received.find((x) => JSON.parse(x.fields['kr-answer'] ?? '{}').orderDetails?.orderId === 'schema-ipn')!;
    assert.deepEqual(parses(A.Payment, JSON.parse(ipn.fields['kr-answer']!), "the IPN's kr-answer"), r.answer);

    const sdk = answerOf(await running.svc.call('Charge/SDKTest', { value: 'my testing value' }), A.TypeString, 'SDKTest');
    assert.equal(sdk.value, 'my testing value');

    for (const [service, body] of [
      ['Transaction/Get', { uuid: 'f183418d08df49f3900bbd74ef837816' }],
      ['Charge/CreateToken', { currency: 'EUR', customer: { email: 'sample@example.com' } }],
      ['Charge/CreatePayment', { amount: -1, currency: 'EUR' }],
    ] as const) {
      const e = await running.svc.call(service, body);
      parses(A.WebServiceResponse, e.body, `${service}: the error envelope`);
      const error = parses(A.WebServiceError, e.answer, `${service}: the error`);
      assert.equal(error.shopId, running.svc.merchant.shopId);
    }
  });

  it('the schemas hold esipay to the reference: an answer missing a field or with the wrong type does not parse', async () => {
    const payment = (await running.svc.call('Charge/CreatePayment', immediate())).answer;
    const without = structuredClone(payment);
    delete without.transactions[0].transactionDetails.cardDetails.paymentMethodSource;
    assert.equal(A.Payment.safeParse(without).success, false);
    const wrongType = structuredClone(payment);
    wrongType.transactions[0].transactionDetails.cardDetails.expiryMonth = '12';
    assert.equal(A.Payment.safeParse(wrongType).success, false);
    const fullPan = structuredClone(payment);
    fullPan.transactions[0].transactionDetails.cardDetails.pan = '4111111111111111';
    assert.equal(A.Payment.safeParse(fullPan).success, false, 'a card number is never a valid pan field');
  });

  it('the formToken answer is a V4/Charge/PaymentForm', async () => {
    const { paymentForms: _card, ...noCard } = initialRequest({ useCase: undefined, orderId: 'schema-form' });
    answerOf(await running.svc.call('Charge/CreatePayment', noCard), A.PaymentForm, 'a formToken');
  });
});
