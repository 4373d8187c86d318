import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthorisationRequest, AuthorisationResult } from '../../src/acquirer/acquirer.js';
import { SimulatedAcquirer } from '../../src/acquirer/simulator.js';
import { TestClock } from './fixtures.js';
import { startV4Service, type V4Service } from './service.js';

/** A plain Charge/CreatePayment (no useCase): the card debited now, refundable as any payment. */

/** The simulator, with authorisations that wait for the test to let them go, and the releases it was asked for. */
class HeldAcquirer extends SimulatedAcquirer {
  hold: ((req: AuthorisationRequest) => Promise<AuthorisationResult>) | undefined;
  released: string[] = [];
  override authorise(req: AuthorisationRequest): Promise<AuthorisationResult> {
    return this.hold ? this.hold(req) : super.authorise(req);
  }
  override async release(reference: string): Promise<void> {
    this.released.push(reference);
  }
}

const pay = (orderId: string, pan = '4111111111111111', extra: Record<string, unknown> = {}) => ({
  amount: 5000,
  currency: 'EUR',
  orderId,
  customer: { email: 'sample@example.com' },
  paymentForms: [{ paymentMethodType: 'CARD', pan, expiryMonth: '12', expiryYear: '2035' }],
  ...extra,
});

describe('V4 immediate payments', () => {
  let svc: V4Service;
  const acquirer = new HeldAcquirer();
  const clock = new TestClock();
  before(async () => {
    svc = await startV4Service({ acquirer, clock });
  });
  after(() => svc.close());

  it('debits the card now, then refunds it in part and in full (Refund, CancelOrRefund), never beyond', async () => {
    const r = await svc.call('Charge/CreatePayment', pay('now-1'));
    assert.equal(r.answer.orderStatus, 'PAID');
    const tx = r.answer.transactions[0];
    assert.deepEqual([tx.operationType, tx.status, tx.detailedStatus, tx.amount], ['DEBIT', 'PAID', 'CAPTURED', 5000]);
    const stored = (await svc.service.store.getTransaction(tx.uuid))!;
    assert.deepEqual([stored.kind, stored.status, stored.deadlineAt], ['card', 'PAID', null]);

    const part = await svc.call('Transaction/Refund', { uuid: tx.uuid, amount: 1500 });
    assert.equal(part.answer.amount, 1500);
    const rest = await svc.call('Transaction/CancelOrRefund', { uuid: tx.uuid });
    assert.equal(rest.answer.amount, 3500);
    const more = await svc.call('Transaction/Refund', { uuid: tx.uuid, amount: 1 });
    assert.equal(more.answer.errorCode, 'ESI_030');
    assert.equal((await svc.service.store.getTransaction(tx.uuid))!.refunded, 5000);
  });

  it('answers a refused card as an UNPAID payment that cannot be refunded', async () => {
    const r = await svc.call('Charge/CreatePayment', pay('now-2', '4000000000000002'));
    assert.deepEqual([r.answer.orderStatus, r.answer.orderCycle], ['UNPAID', 'OPEN']);
    const refund = await svc.call('Transaction/Refund', { uuid: r.answer.transactions[0].uuid });
    assert.equal(refund.answer.errorCode, 'ESI_030');
  });

  it('makes a retry with the same idempotency key answer the same payment, debiting once; other data is ESI_014', async () => {
    const first = await svc.call('Charge/CreatePayment', pay('now-3'), { headers: { 'idempotency-key': 'now-3-key' } });
    const again = await svc.call('Charge/CreatePayment', pay('now-3'), { headers: { 'idempotency-key': 'now-3-key' } });
    assert.equal(again.answer.transactions[0].uuid, first.answer.transactions[0].uuid);
    const rows = await svc.service.store.listTransactions({ merchantId: svc.merchant.uuid, cid: 'now-3', limit: 10 });
    assert.equal(rows.length, 1);
    const other = await svc.call('Charge/CreatePayment', pay('now-3', '4111111111111111', { amount: 10 }), {
      headers: { 'idempotency-key': 'now-3-key' },
    });
    assert.equal(other.answer.errorCode, 'ESI_014');
  });

  it('records the payment before the card is debited: one the service stopped settling is cancelled past its deadline, its approval released', async () => {
    let let_go: (r: AuthorisationResult) => void = () => undefined;
    let asked: () => void = () => undefined;
    const atAcquirer = new Promise<void>((resolve) => (asked = resolve));
    acquirer.hold = () =>
      new Promise((resolve) => {
        let_go = resolve;
        asked();
      });
    const answer = svc.call('Charge/CreatePayment', pay('now-4'));
    await atAcquirer;
    const [pending] = await svc.service.store.listTransactions({ merchantId: svc.merchant.uuid, cid: 'now-4', limit: 1 });
    assert.equal(pending!.status, 'PENDING', 'written before the acquirer answers');
    assert.ok(pending!.deadlineAt, 'with a deadline for the abandoned-payment sweeper');
    const read = await svc.call('Transaction/Get', { uuid: pending!.id });
    assert.deepEqual([read.answer.status, read.answer.detailedStatus], ['RUNNING', 'WAITING_AUTHORISATION']);

    // As if this instance had stopped: past the deadline, the sweeper cancels it.
    clock.advanceMs(Date.parse(pending!.deadlineAt!) - clock.read().getTime() + 1);
    assert.deepEqual((await svc.engine.maintenance.sweepAbandoned()).cancelled, [pending!.id]);
    acquirer.hold = undefined;
    let_go({ approved: true, authCode: 'LATE01', cardToken: 'simtok_late' });
    const late = await answer;
    assert.equal(late.answer.errorCode, 'ESI_503', 'the late answer says the payment did not go through');
    assert.ok(acquirer.released.includes(pending!.id), 'the late approval is released');
    const after = await svc.call('Transaction/Get', { uuid: pending!.id });
    assert.deepEqual([after.answer.status, after.answer.detailedStatus], ['UNPAID', 'CANCELLED']);
    const ipns = await svc.service.store.listOutbox({ merchantId: svc.merchant.uuid, topic: 'ipn', limit: 100 });
    assert.ok(!ipns.some((m) => m.body.includes(pending!.id)), 'nothing to notify: no money moved');
  });
});
