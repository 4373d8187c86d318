import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli, tempHome } from '../helpers/cli.js';
import { initialRequest, startV4Service, type V4Service } from './service.js';

/**
 * The test cards whose verification is approved and whose later debits are not (README, "Test
 * cards"), on the default simulated acquirer: a refused shipment, PSP_227 and PSP_228 over the V4
 * API and from the CLI, with nothing debited and what remains to ship as each outcome says.
 */
const LATER_DECLINED = '4000000000000341';
const LATER_FAILS = '4000000000000366';
const LATER_UNKNOWN = '4000000000000374';

describe('test cards for later failures, over the V4 API', () => {
  let svc: V4Service;
  before(async () => {
    svc = await startV4Service();
  });
  after(() => svc?.close());

  let orders = 0;
  const initial = async (pan: string): Promise<string> => {
    const r = await svc.call(
      'Charge/CreatePayment',
      initialRequest({
        orderId: `later-${++orders}`,
        paymentForms: [{ paymentMethodType: 'CARD', pan, expiryMonth: '12', expiryYear: '2035' }],
      }),
    );
    assert.equal(r.body.status, 'SUCCESS');
    assert.equal(r.answer.orderStatus, 'PAID', 'the verification is approved');
    return r.answer.transactions[0].uuid as string;
  };
  const remaining = async (uuid: string): Promise<number> =>
    (await svc.call('Transaction/Get', { uuid })).answer.transactionDetails.shipment.remainingAmount;

  it('4000000000000341: the shipment is REFUSED and its amount still remains to ship', async () => {
    const uuid = await initial(LATER_DECLINED);
    const s = await svc.call('Charge/CreateShipmentTransaction', { uuid, amount: 3500 });
    assert.equal(s.body.status, 'SUCCESS', 'a declined debit is an answer, not an error');
    assert.equal(s.answer.status, 'UNPAID');
    assert.equal(s.answer.detailedStatus, 'REFUSED');
    assert.equal(await remaining(uuid), 7412);
  });

  it('4000000000000366: PSP_227, nothing debited', async () => {
    const uuid = await initial(LATER_FAILS);
    const s = await svc.call('Charge/CreateShipmentTransaction', { uuid, amount: 3500 });
    assert.equal(s.body.status, 'ERROR');
    assert.equal(s.answer.errorCode, 'PSP_227');
    assert.equal(await remaining(uuid), 7412);
  });

  it('4000000000000374: PSP_228, the shipment stays RUNNING and counts in what was shipped', async () => {
    const uuid = await initial(LATER_UNKNOWN);
    const s = await svc.call('Charge/CreateShipmentTransaction', { uuid, amount: 3500 });
    assert.equal(s.body.status, 'ERROR');
    assert.equal(s.answer.errorCode, 'PSP_228');
    assert.equal(await remaining(uuid), 3912);
    const order = await svc.call('Order/Get', { orderId: `later-${orders}` });
    const shipment = (order.answer.transactions as { operationType: string; status: string }[]).find((t) => t.operationType === 'DEBIT');
    assert.equal(shipment?.status, 'RUNNING');
  });
});

describe('test cards for later failures, from the CLI', () => {
  const home = tempHome();
  let merchant: string;
  before(async () => {
    const r = await runCli(
      ['merchant', 'register', '--name', 'Boutique', '--ip', '127.0.0.1', '--return-url', 'http://127.0.0.1:9/unused', '--json'],
      { home: home.home },
    );
    merchant = r.json().uuid;
  });
  after(() => home.cleanup());

  const cli = (args: string[]) => runCli([...args, '--merchant', merchant], { home: home.home });
  const init = async (card: string, orderId: string): Promise<string> => {
    const r = await cli(['shipment', 'init', '74.12', '--order-id', orderId, '--card', card, '--expiry', '12/2035', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json().status, 'AUTHORISED');
    return r.json().id;
  };

  it('a refused shipment exits 4, PSP_227 and PSP_228 exit 5, each saying what happened', async () => {
    const declined = await cli(['shipment', 'ship', await init(LATER_DECLINED, 'cli-later-1'), '35.00', '--json']);
    assert.equal(declined.code, 4);
    assert.equal(declined.json().error.code, 'card_declined');
    assert.equal(declined.json().transaction.status, 'DECLINED');

    const failed = await cli(['shipment', 'ship', await init(LATER_FAILS, 'cli-later-2'), '35.00']);
    assert.equal(failed.code, 5);
    assert.match(failed.stderr, /failed at the acquirer .*nothing was debited/);

    const unknownId = await init(LATER_UNKNOWN, 'cli-later-3');
    const unknown = await cli(['shipment', 'ship', unknownId, '35.00', '--json']);
    assert.equal(unknown.code, 5);
    assert.equal(unknown.json().error.code, 'PSP_228');
    const shown = await cli(['tx', 'show', unknownId, '--json']);
    assert.equal(shown.json().remaining, 3912, 'the unknown 35.00 counts in what was shipped');
  });
});
