import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthorisationResult } from '../../src/acquirer/acquirer.js';
import { SimulatedAcquirer } from '../../src/acquirer/simulator.js';
import { EsipayError } from '../../src/domain/errors.js';
import { initialRequest, startV4Service, type V4Reply, type V4Service } from './service.js';

/** Every error code of the V4 API, provoked through HTTP, and nothing recorded by a refused request. */

function assertError(r: V4Reply, code: string, httpStatus = 200): void {
  assert.equal(r.httpStatus, httpStatus, JSON.stringify(r.body));
  assert.equal(r.body.status, 'ERROR', JSON.stringify(r.body));
  assert.equal(r.body.version, 'V4');
  assert.equal(r.body._type, 'V4/WebService/Response');
  assert.equal(r.answer._type, 'V4/WebService/WebServiceError');
  assert.equal(r.answer.errorCode, code, JSON.stringify(r.answer));
  assert.ok(r.answer.errorMessage.length > 0);
}

/** The simulator, with shipment debits that fail or wait as the test says. */
class ScriptedAcquirer extends SimulatedAcquirer {
  onDebit: (() => Promise<AuthorisationResult>) | undefined;
  override async debit(req: { cardToken: string }): Promise<AuthorisationResult> {
    return this.onDebit ? this.onDebit() : super.debit(req);
  }
}

describe('V4 API errors', () => {
  let svc: V4Service;
  const acquirer = new ScriptedAcquirer();
  let initial: string;
  before(async () => {
    svc = await startV4Service({ acquirer });
    const r = await svc.call('Charge/CreatePayment', initialRequest());
    initial = r.answer.transactions[0].uuid;
  });
  after(() => svc.close());

  const countTransactions = async () => (await svc.service.store.listTransactions({ merchantId: svc.merchant.uuid, limit: 1000 })).length;

  it('INT_009, INT_010, INT_050, PSP_519, PSP_606, INT_015, INT_902 and ESI_010–013 on CreatePayment, recording nothing', async () => {
    const before = await countTransactions();
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: undefined }, 'INT_009'],
      [{ amount: '7412' }, 'INT_009'],
      [{ amount: 74.12 }, 'INT_009'],
      [{ amount: -1 }, 'INT_009'],
      [{ amount: 0 }, 'INT_009'],
      [{ currency: undefined }, 'INT_010'],
      [{ currency: 'eur' }, 'INT_010'],
      [{ currency: 978 }, 'INT_010'],
      [{ strongAuthentication: 'MAYBE' }, 'INT_050'],
      [{ currency: 'XYZ' }, 'PSP_519'],
      [{ currency: 'USD' }, 'PSP_606'],
      [{ customer: { email: 'not-an-email' } }, 'INT_015'],
      [{ customer: { email: 42 } }, 'INT_902'],
      [{ paymentForms: 'card' }, 'INT_902'],
      [{ orderId: 'with space' }, 'ESI_010'],
      [{ useCase: 'RECURRING' }, 'ESI_011'],
      [{ paymentForms: [{ paymentMethodType: 'CARD', pan: '4111111111111112', expiryMonth: '12', expiryYear: '2035' }] }, 'ESI_012'],
      [{ paymentForms: [{ paymentMethodType: 'CARD', pan: '4111111111111111', expiryMonth: '12', expiryYear: '2020' }] }, 'ESI_012'],
      [{ idempotencyKey: 'has space' }, 'ESI_013'],
    ];
    for (const [extra, code] of cases) {
      const r = await svc.call('Charge/CreatePayment', initialRequest(extra));
      assertError(r, code);
      assert.equal(r.body.webService, 'Charge/CreatePayment');
    }
    assert.equal(await countTransactions(), before);
  });

  it('INT_902 for a body that is not a JSON object', async () => {
    assertError(await svc.call('Charge/CreatePayment', undefined, { rawBody: '{"amount": 7412,' }), 'INT_902');
    assertError(await svc.call('Charge/CreatePayment', undefined, { rawBody: '[1, 2]' }), 'INT_902');
    assertError(await svc.call('Charge/CreateShipmentTransaction', { amount: 100 }), 'INT_902');
  });

  it('ESI_014 when an idempotency key is reused for another payment', async () => {
    const first = await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'idem' }), { headers: { 'idempotency-key': 'pay-1' } });
    assert.equal(first.body.status, 'SUCCESS');
    const again = await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'idem' }), { headers: { 'idempotency-key': 'pay-1' } });
    assert.equal(again.answer.transactions[0].uuid, first.answer.transactions[0].uuid, 'the same request is answered the same');
    assertError(
      await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'idem', amount: 100 }), { headers: { 'idempotency-key': 'pay-1' } }),
      'ESI_014',
    );
  });

  it('PSP_229: over the remaining total, unknown uuid, not an initial transaction', async () => {
    assertError(await svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 7413 }), 'PSP_229');
    assertError(await svc.call('Charge/CreateShipmentTransaction', { uuid: 'f183418d08df49f3900bbd74ef837816', amount: 100 }), 'PSP_229');
    const ship = await svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 100 });
    assert.equal(ship.body.status, 'SUCCESS');
    assertError(await svc.call('Charge/CreateShipmentTransaction', { uuid: ship.answer.uuid, amount: 100 }), 'PSP_229');
    const other = await svc.addMerchant();
    assertError(await svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 100 }, { as: other }), 'PSP_229');
  });

  it('INT_009, INT_010, PSP_519, PSP_606 on CreateShipmentTransaction', async () => {
    assertError(await svc.call('Charge/CreateShipmentTransaction', { uuid: initial }), 'INT_009');
    assertError(await svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 1.5 }), 'INT_009');
    assertError(await svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 100, currency: 'euro' }), 'INT_010');
    assertError(await svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 100, currency: 'ABC' }), 'PSP_519');
    assertError(await svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 100, currency: 'GBP' }), 'PSP_606');
  });

  it('PSP_231 when refunding or cancelling the initial transaction', async () => {
    assertError(await svc.call('Transaction/Refund', { uuid: initial, amount: 100 }), 'PSP_231');
    assertError(await svc.call('Transaction/CancelOrRefund', { uuid: initial }), 'PSP_231');
  });

  it('PSP_236 when an idempotency key is re-sent with other data, header or body field alike', async () => {
    const a = await svc.call(
      'Charge/CreateShipmentTransaction',
      { uuid: initial, amount: 200 },
      { headers: { 'idempotency-key': 'ship-A' } },
    );
    assert.equal(a.body.status, 'SUCCESS');
    const replay = await svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 200, idempotencyKey: 'ship-A' });
    assert.equal(replay.answer.uuid, a.answer.uuid, 'a retry debits once');
    assertError(
      await svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 300 }, { headers: { 'idempotency-key': 'ship-A' } }),
      'PSP_236',
    );
  });

  it('PSP_227 when the acquirer fails the debit (nothing debited), PSP_228 while its outcome is unknown', async () => {
    const remaining = async () => (await svc.call('Transaction/Get', { uuid: initial })).answer.transactionDetails.shipment.remainingAmount;
    const left = await remaining();
    acquirer.onDebit = async () => {
      throw new EsipayError('unavailable', 'acquirer_error', 'acquirer down');
    };
    assertError(await svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 100 }), 'PSP_227');
    assert.equal(await remaining(), left, 'the failed shipment gave its amount back');

    let release: (r: AuthorisationResult) => void = () => undefined;
    let started: () => void = () => undefined;
    const inFlight = new Promise<void>((r) => (started = r));
    acquirer.onDebit = () =>
      new Promise((resolve) => {
        release = resolve;
        started();
      });
    const first = svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 100 }, { headers: { 'idempotency-key': 'slow' } });
    await inFlight;
    assertError(
      await svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 100 }, { headers: { 'idempotency-key': 'slow' } }),
      'PSP_228',
    );
    release({ approved: true, authCode: 'ABC123', cardToken: 'simtok_x' });
    assert.equal((await first).answer.status, 'PAID');
    acquirer.onDebit = undefined;
  });

  it('PSP_010 for an unknown transaction or order, ESI_030 for a refund beyond what remains', async () => {
    assertError(await svc.call('Transaction/Get', { uuid: 'f183418d08df49f3900bbd74ef837816' }), 'PSP_010');
    assertError(await svc.call('Order/Get', { orderId: 'no-such-order' }), 'PSP_010');
    assertError(await svc.call('Transaction/Refund', { uuid: 'f183418d08df49f3900bbd74ef837816' }), 'PSP_010');
    const ship = await svc.call('Charge/CreateShipmentTransaction', { uuid: initial, amount: 100 });
    assertError(await svc.call('Transaction/Refund', { uuid: ship.answer.uuid, amount: 101 }), 'ESI_030');
  });

  it('ESI_401 without credentials, with a wrong secret, or a secret of another merchant; nothing recorded', async () => {
    const before = await countTransactions();
    const other = await svc.addMerchant();
    for (const as of [
      null,
      { uuid: svc.merchant.uuid, secret: 'whsec_wrong' },
      { uuid: svc.merchant.uuid, secret: other.secret },
      { uuid: 'not-a-uuid', secret: 'x' },
    ]) {
      const r = await svc.call('Charge/CreatePayment', initialRequest(), { as });
      assertError(r, 'ESI_401', 401);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Basic/);
    }
    assertError(
      await svc.call('Charge/CreatePayment', initialRequest(), { as: null, headers: { authorization: 'Bearer abc' } }),
      'ESI_401',
      401,
    );
    assert.equal(await countTransactions(), before);
  });

  it('ESI_404 for an unknown web service, ESI_405 for another method, ESI_413 for a body too large', async () => {
    assertError(await svc.call('Charge/NoSuchService', {}), 'ESI_404', 404);
    const get = await svc.call('Charge/CreatePayment', undefined, { method: 'GET' });
    assertError(get, 'ESI_405', 405);
    assert.equal(get.headers.get('allow'), 'POST');
    const big = await svc.call('Charge/CreatePayment', undefined, {
      rawBody: JSON.stringify({ ...initialRequest(), pad: 'x'.repeat(70_000) }),
    });
    assert.equal(big.httpStatus, 413);
  });
});
