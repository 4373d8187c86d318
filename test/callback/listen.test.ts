import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReceivedCallback } from '../../src/callback/listener.js';
import type { MerchantWithSecret } from '../../src/domain/types.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { initialRequest, startV4Service, type V4Service } from '../v4/service.js';
import { TestClock } from '../v4/fixtures.js';
import { type ListenProcess, startListen } from './listen-process.js';

/**
 * `esipay listen` as a merchant's endpoint, fed by a real esipay service: a v2 payment's
 * return-URL POST, a V4 IPN (sent to the return URL, as when no notification URL is set) and a
 * payment link's callback. Each is told apart, verified with the merchant's secret and printed
 * with the transaction it is about; what does not verify is answered 400 with the reason;
 * --forward-to relays to the developer's application and answers with its status.
 */
describe('esipay listen', () => {
  let svc: V4Service;
  let listen: ListenProcess;
  let m: MerchantWithSecret;
  const messages = async (count: number): Promise<ReceivedCallback[]> =>
    (await listen.waitForLines(count)).map((l) => JSON.parse(l) as ReceivedCallback);

  before(async () => {
    // The wall clock: listen checks signature timestamps against its own (a 300 s tolerance).
    svc = await startV4Service({ clock: new TestClock(new Date().toISOString(), { running: true }) });
    m = svc.merchant;
    listen = await startListen(['--json', '--secret', m.secret]);
    // No notification URL: the IPN goes to the return URL, the set-up the README documents.
    await svc.engine.updateMerchant(m.uuid, { returnUrl: `${listen.url}/hook` });
  });
  after(async () => {
    await listen?.stop();
    await svc?.close();
  });

  const payV2 = async (cid: string) => {
    const res = await fetch(`${svc.url}/cardpay/${m.uuid}/${cid}/4111111111111111/12/2035/10.00`, { method: 'POST' });
    return { status: res.status, json: (await res.json()) as any };
  };

  it("verifies a v2 payment's return-URL POST and names its transaction", async () => {
    const paid = await payV2('listen-v2-1');
    assert.equal(paid.status, 200);
    assert.equal(paid.json.status, 'PAID', 'listen answered 200');
    const [cb] = await messages(1);
    assert.equal(cb!.kind, 'return_url');
    assert.equal(cb!.transaction, paid.json.id);
    assert.equal(cb!.signature, 'valid');
    assert.equal(cb!.answeredStatus, 200);
    assert.equal(cb!.path, '/hook');
    assert.equal(cb!.fields.cid, 'listen-v2-1');
  });

  it('verifies a V4 IPN by its kr-hash and answers it 200 (it was 400: no Esipay-Signature header)', async () => {
    const r = await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'listen-ipn-1' }));
    assert.equal(r.body.status, 'SUCCESS');
    const ipn = (await messages(2))[1]!;
    assert.equal(ipn.kind, 'ipn');
    assert.equal(ipn.transaction, r.answer.transactions[0].uuid);
    assert.equal(ipn.event, 'PAID');
    assert.equal(ipn.signature, 'valid', ipn.signatureError);
    assert.equal(ipn.answeredStatus, 200);
  });

  it("verifies a payment link's callback and names the link's transaction", async () => {
    const link = await svc.engine.createLink({
      merchant: m.uuid,
      amount: '25.00',
      paymentReference: 'listen-link-1',
      consumerReference: 'c-42',
      callbackUrl: `${listen.url}/links`,
      email: 'a@b.fr',
      phone: '0600000000',
    });
    const opened = await svc.engine.links.openLink(new URL(link.link!).searchParams.get('SDESSID')!);
    assert.ok(opened);
    const paid = await svc.engine.links.payLink(opened, { number: '4111111111111111', expiry: '12/35' });
    assert.ok(paid.ok);
    const cb = (await messages(3))[2]!;
    assert.equal(cb.kind, 'link_callback');
    assert.equal(cb.event, 'link.paid');
    assert.equal(cb.transaction, paid.transaction.id);
    assert.equal(cb.signature, 'valid', cb.signatureError);
    assert.equal(cb.answeredStatus, 200);
    assert.equal(cb.path, '/links');
  });

  it('answers 400 to each kind when its signature does not verify, and says why', async () => {
    const [v2, ipn, link] = await messages(3);
    const post = async (path: string, body: string, headers: Record<string, string>) => {
      const res = await fetch(`${listen.url}${path}`, { method: 'POST', body, headers });
      return { status: res.status, text: await res.text() };
    };
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const tamperedV2 = await post('/hook', v2!.body.replace('amount=10.00', 'amount=1000.00'), {
      ...form,
      'esipay-signature': 't=1,v1=00',
    });
    assert.equal(tamperedV2.status, 400);
    assert.match(tamperedV2.text, /signature invalid: timestamp outside the 300s tolerance/);

    const fields = new URLSearchParams(ipn!.body);
    fields.set('kr-answer', fields.get('kr-answer')!.replace('"orderStatus":"PAID"', '"orderStatus":"UNPAID"'));
    const forgedIpn = await post('/hook', fields.toString(), form);
    assert.equal(forgedIpn.status, 400);
    assert.match(forgedIpn.text, /kr-hash matches no secret/);

    const unsigned = await post('/links', link!.body, { 'content-type': 'application/json' });
    assert.equal(unsigned.status, 400);
    assert.match(unsigned.text, /no Esipay-Signature header/);

    const printed = await messages(6);
    assert.deepEqual(
      printed.slice(3).map((p) => [p.kind, p.signature, p.answeredStatus]),
      [
        ['return_url', 'invalid', 400],
        ['ipn', 'invalid', 400],
        ['link_callback', 'invalid', 400],
      ],
    );
    assert.equal(printed[4]!.signatureError, 'kr-hash matches no secret');
  });

  describe('--forward-to', () => {
    let app: Receiver;
    let relay: ListenProcess;

    before(async () => {
      app = await startReceiver(200);
      relay = await startListen(['--secret', m.secret, '--forward-to', `${app.url}/esipay/webhook`]);
      await svc.engine.updateMerchant(m.uuid, { returnUrl: `${relay.url}/hook` });
    });
    after(async () => {
      await relay?.stop();
      await app?.close();
    });

    it("relays each message to the application unchanged and answers with the application's status", async () => {
      const paid = await payV2('listen-fwd-1');
      assert.equal(paid.json.status, 'PAID');
      assert.equal(app.received.length, 1);
      const got = app.received[0]!;
      assert.equal(got.path, '/esipay/webhook');
      assert.equal(got.method, 'POST');
      assert.equal(got.fields.transaction, paid.json.id);
      assert.ok(String(got.headers['esipay-signature']).startsWith('t='), 'the signature reaches the application');
      assert.match(
        (await relay.waitForLines(1))[0]!,
        /return-url POST \/hook .*signature valid {2}forwarded to http:\S+\/esipay\/webhook: 200 {2}→ 200$/,
      );

      app.behaviour = 500;
      const refused = await payV2('listen-fwd-2');
      assert.equal(refused.status, 500);
      assert.equal(refused.json.error.code, 'callback_failed', 'the application said 500: the payment is cancelled');
      assert.match((await relay.waitForLines(2))[1]!, /forwarded to \S+: 500 {2}→ 500$/);
    });

    it('answers 502 when the application is down, and says so', async () => {
      await app.close();
      const cancelled = await payV2('listen-fwd-3');
      assert.equal(cancelled.json.error.code, 'callback_failed');
      assert.match(cancelled.json.error.message, /HTTP 502/);
      assert.match((await relay.waitForLines(3))[2]!, /forward to \S+ failed: connection refused {2}→ 502$/);
    });
  });
});
