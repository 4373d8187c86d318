import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifySignature } from '../../src/callback/signature.js';
import { closedUrl, type Receiver, startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { tempSqlite } from '../contract/subjects.js';
import { admin, http, nextYear, registerMerchant } from './http-client.js';

/** The v2 wire format as a merchant's server uses it: plain HTTP on the seed's exact paths. */
describe('v2 API over HTTP', () => {
  let serve: ServeProcess;
  let cleanupDb: () => void;
  const receivers: Receiver[] = [];

  before(async () => {
    const t = tempSqlite();
    cleanupDb = t.cleanup;
    serve = await startServe({ db: t.db, args: ['--callback-timeout', '1000'] });
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    const exit = await serve.stop();
    cleanupDb();
    assert.equal(exit.code, 0);
  });

  async function shop(behaviour: Parameters<typeof startReceiver>[0] = 200, ip = '127.0.0.1') {
    const r = await startReceiver(behaviour);
    receivers.push(r);
    const m = await registerMerchant(serve.url, serve.token, `${r.url}/return`, ip);
    return { m, r };
  }

  const payPath = (uuid: string, cid: string, amount = '74.12', card = '4111111111111111', month = '12', year = nextYear) =>
    `/cardpay/${uuid}/${cid}/${card}/${month}/${year}/${amount}`;

  async function transactionsOf(uuid: string) {
    return (await admin(serve.url, serve.token, 'GET', `/admin/merchants/${uuid}/transactions`)).json().items as {
      id: string;
      status: string;
      refunded: number;
    }[];
  }

  for (const method of ['GET', 'POST']) {
    it(`pays with ${method}: 200 with the transaction once the return URL answered 200`, async () => {
      const { m, r } = await shop();
      const a = await http(serve.url, method, payPath(m.uuid, `cmd-${method}`));
      assert.equal(a.status, 200);
      assert.match(String(a.headers['content-type']), /^application\/json/);
      const tx = a.json();
      assert.equal(tx.status, 'PAID');
      assert.equal(tx.amount, 7412);
      assert.equal(tx.currency, 'EUR');
      assert.equal(tx.cid, `cmd-${method}`);
      assert.deepEqual(tx.card, { first6: '411111', last4: '1111', brand: 'visa' });
      assert.equal(r.received.length, 1);
      const cb = r.received[0]!;
      assert.equal(cb.method, 'POST');
      assert.deepEqual(cb.fields, { type: 'card', amount: '74.12', transaction: tx.id, cid: `cmd-${method}` });
      assert.ok(verifySignature(cb.body, String(cb.headers['esipay-signature']), [m.secret]).ok);
    });
  }

  it('refunds partly on /cardpay/{uuid}/{transaction}/{amount}, then the rest on /cardpay/{uuid}/{transaction}', async () => {
    const { m } = await shop();
    const tx = (await http(serve.url, 'GET', payPath(m.uuid, 'to-refund', '100.00'))).json();

    const part = await http(serve.url, 'GET', `/cardpay/${m.uuid}/${tx.id}/25.50`);
    assert.equal(part.status, 200);
    assert.equal(part.json().refund.amount, 2550);
    assert.equal(part.json().transaction.remaining, 7450);
    assert.equal(part.json().transaction.status, 'PARTIALLY_REFUNDED');

    const over = await http(serve.url, 'POST', `/cardpay/${m.uuid}/${tx.id}/74.51`);
    assert.equal(over.status, 400);
    assert.equal(over.json().error.code, 'amount_exceeds_remaining');

    const rest = await http(serve.url, 'POST', `/cardpay/${m.uuid}/${tx.id}`);
    assert.equal(rest.status, 200);
    assert.equal(rest.json().refund.amount, 7450);
    assert.equal(rest.json().transaction.status, 'REFUNDED');

    const again = await http(serve.url, 'GET', `/cardpay/${m.uuid}/${tx.id}`);
    assert.equal(again.status, 400);
    assert.equal(again.json().error.code, 'nothing_to_refund');
    assert.deepEqual(
      (await transactionsOf(m.uuid)).map((t) => t.refunded),
      [10000],
    );
  });

  it('answers 400 for an unknown merchant or transaction, and for a transaction of another merchant', async () => {
    const { m } = await shop();
    const other = await shop();
    const tx = (await http(serve.url, 'GET', payPath(m.uuid, 'mine'))).json();
    const cases = [
      [payPath('00000000-0000-4000-8000-000000000000', 'x'), 'unknown_merchant'],
      [`/cardpay/${m.uuid}/0123456789abcdef0123456789abcdef`, 'unknown_transaction'],
      [`/cardpay/${m.uuid}/0123456789abcdef0123456789abcdef/1.00`, 'unknown_transaction'],
      [`/cardpay/${other.m.uuid}/${tx.id}`, 'unknown_transaction'],
      [`/cardpay/${other.m.uuid}/${tx.id}/1.00`, 'unknown_transaction'],
    ] as const;
    for (const [path, code] of cases) {
      const a = await http(serve.url, 'GET', path);
      assert.equal(a.status, 400, path);
      assert.equal(a.json().error.code, code, path);
      assert.equal(typeof a.json().error.message, 'string');
    }
    assert.equal((await transactionsOf(m.uuid))[0]!.refunded, 0);
  });

  it('answers 400 for a declined card, with the DECLINED transaction, and calls no return URL', async () => {
    const { m, r } = await shop();
    const a = await http(serve.url, 'GET', payPath(m.uuid, 'declined', '10.00', '4000000000000002'));
    assert.equal(a.status, 400);
    assert.equal(a.json().error.code, 'card_declined');
    assert.equal(a.json().transaction.status, 'DECLINED');
    assert.equal(r.received.length, 0);
    assert.deepEqual(
      (await transactionsOf(m.uuid)).map((t) => t.status),
      ['DECLINED'],
    );
  });

  for (const [what, behaviour] of [
    ['answers 500', 500],
    ['hangs', 'hang'],
    ['drops the connection', 'close'],
  ] as const) {
    it(`answers 500 and cancels the payment when the return URL ${what}`, async () => {
      const { m, r } = await shop(behaviour);
      const a = await http(serve.url, 'GET', payPath(m.uuid, 'cb-fails'));
      assert.equal(a.status, 500);
      assert.equal(a.json().error.code, 'callback_failed');
      assert.equal(a.json().transaction.status, 'CANCELLED');
      assert.equal(r.received.length, 1);
      assert.deepEqual(
        (await transactionsOf(m.uuid)).map((t) => t.status),
        ['CANCELLED'],
      );
      // A cancelled payment cannot be refunded.
      const refund = await http(serve.url, 'GET', `/cardpay/${m.uuid}/${a.json().transaction.id}`);
      assert.equal(refund.status, 400);
      assert.equal(refund.json().error.code, 'not_refundable');
    });
  }

  it('answers 500 when nothing listens at the return URL', async () => {
    const m = await registerMerchant(serve.url, serve.token, `${await closedUrl()}/return`);
    const a = await http(serve.url, 'POST', payPath(m.uuid, 'refused'));
    assert.equal(a.status, 500);
    assert.equal(a.json().error.code, 'callback_failed');
  });

  it('answers 500 when the acquirer fails, without internals', async () => {
    const { m, r } = await shop();
    const a = await http(serve.url, 'GET', payPath(m.uuid, 'acq', '10.00', '4000000000000119'));
    assert.equal(a.status, 500);
    assert.deepEqual(Object.keys(a.json()), ['error', 'transaction']);
    assert.equal(a.json().error.code, 'acquirer_error');
    assert.equal(a.json().transaction.status, 'FAILED', 'the recorded attempt, as a declined answer carries its own');
    assert.doesNotMatch(a.text, /at .*\.js|stack|Error:/);
    assert.equal(r.received.length, 0);
  });

  it('answers the same transaction for the same cid, and 400 for a cid reused with other data', async () => {
    const { m, r } = await shop();
    const first = await http(serve.url, 'GET', payPath(m.uuid, 'same', '10.00'));
    const again = await http(serve.url, 'POST', payPath(m.uuid, 'same', '10.00'));
    assert.equal(again.status, 200);
    assert.equal(again.json().id, first.json().id);
    const other = await http(serve.url, 'GET', payPath(m.uuid, 'same', '11.00'));
    assert.equal(other.status, 400);
    assert.equal(other.json().error.code, 'cid_reused');
    assert.equal(r.received.length, 1);
  });

  it('answers 403 to a caller that is not the merchant’s registered server, and changes nothing', async () => {
    const { m, r } = await shop(200, '203.0.113.9');
    const pay = await http(serve.url, 'GET', payPath(m.uuid, 'not-from-here'));
    assert.equal(pay.status, 403);
    assert.equal(pay.json().error.code, 'forbidden_ip');
    const refund = await http(serve.url, 'GET', `/cardpay/${m.uuid}/0123456789abcdef0123456789abcdef`);
    assert.equal(refund.status, 400, 'an unknown transaction is a wrong parameter before the caller is checked');
    assert.deepEqual(await transactionsOf(m.uuid), []);
    assert.equal(r.received.length, 0);
  });

  it('answers 404 off the v2 paths and 405 for other methods', async () => {
    const { m } = await shop();
    assert.equal((await http(serve.url, 'GET', '/')).status, 404);
    assert.equal((await http(serve.url, 'GET', '/cardpayment/x/y')).status, 404);
    assert.equal((await http(serve.url, 'GET', '/CARDPAY/x/y')).status, 404);
    for (const method of ['PUT', 'DELETE', 'PATCH', 'HEAD']) {
      const a = await http(serve.url, method, payPath(m.uuid, 'method'));
      assert.equal(a.status, 405, method);
      assert.equal(a.headers.allow, 'GET, POST');
    }
    assert.deepEqual(await transactionsOf(m.uuid), []);
  });
});
