import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { registerMerchant, tempDir, withStore } from './live.js';
import { type MerchantServer, startMerchantServer } from './merchant-server.js';
import { jsonCall, rawRequest } from './raw-http.js';

/**
 * Merchant A's money is A's alone: merchant B (on its own server address, 127.0.0.2) cannot see
 * or refund it through any route, nor can anyone without the operator token.
 */
describe("access: no merchant reaches another merchant's transactions", () => {
  const { dir, cleanup } = tempDir('esipay-access-');
  const db = join(dir, 'esipay.db');
  let serve: ServeProcess;
  let merchantServer: MerchantServer;
  let a: { uuid: string; secret: string };
  let b: { uuid: string; secret: string };
  let txA: string;
  let attempts = 0;

  const basic = (user: string, secret: string) => 'Basic ' + Buffer.from(`${user}:${secret}`).toString('base64');
  const v2 = (target: string, localAddress = '127.0.0.1') => (attempts++, rawRequest(serve.url, { method: 'GET', target, localAddress }));
  const v4 = (service: string, auth: string, body: unknown) => {
    attempts++;
    return rawRequest(serve.url, {
      method: 'POST',
      target: `/api-payment/V4/${service}`,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  };
  const refundedOfA = () => withStore(db, async (s) => (await s.getTransaction(txA))!.refunded);

  before(async () => {
    merchantServer = await startMerchantServer(() => ({ status: 200 }));
    serve = await startServe({ db, args: ['--quiet'] });
    a = await registerMerchant(serve, merchantServer.url, 'A', '127.0.0.1');
    b = await registerMerchant(serve, merchantServer.url, 'B', '127.0.0.2');
    const paid = await v2(`/cardpay/${a.uuid}/order-a/4111111111111111/12/2040/80.00`);
    assert.equal(paid.status, 200, paid.body);
    txA = JSON.parse(paid.body).id;
  });
  after(async () => {
    console.log(`[reliability] access: ${attempts} cross-merchant or unauthenticated attempts, all refused`);
    await serve.stop();
    await merchantServer.close();
    cleanup();
  });

  it("v2: B cannot refund A's payment with its own uuid, and A's uuid only works from A's server", async () => {
    for (const target of [`/cardpay/${b.uuid}/${txA}`, `/cardpay/${b.uuid}/${txA}/1.00`]) {
      const r = await v2(target, '127.0.0.2');
      assert.equal(r.status, 400, r.body);
      assert.equal(JSON.parse(r.body).error.code, 'unknown_transaction');
      assert.ok(!r.body.includes('80.00') && !r.body.includes('"amount"'), "nothing about A's payment leaks");
    }
    for (const target of [
      `/cardpay/${a.uuid}/${txA}`,
      `/cardpay/${a.uuid}/${txA}/1.00`,
      `/cardpay/${a.uuid}/order-b/4111111111111111/12/2040/1.00`,
    ]) {
      const r = await v2(target, '127.0.0.2');
      assert.equal(r.status, 403, r.body);
      assert.equal(JSON.parse(r.body).error.code, 'forbidden_ip');
    }
    assert.equal(await refundedOfA(), 0);
  });

  it("V4: B's credentials neither read nor refund A's transaction; A's uuid with B's secret is refused", async () => {
    for (const service of ['Transaction/Get', 'Transaction/Refund', 'Transaction/CancelOrRefund']) {
      const r = await v4(service, basic(b.uuid, b.secret), { uuid: txA, amount: 100, currency: 'EUR' });
      const doc = JSON.parse(r.body);
      assert.equal(doc.status, 'ERROR', r.body);
      assert.equal(doc.answer.errorCode, 'PSP_010');
      assert.ok(!r.body.includes('order-a'), "nothing about A's order leaks");
    }
    const order = await v4('Order/Get', basic(b.uuid, b.secret), { orderId: 'order-a' });
    assert.equal(JSON.parse(order.body).status, 'ERROR');
    for (const auth of [basic(a.uuid, b.secret), basic(a.uuid, ''), basic(a.uuid, a.secret + 'x'), 'Bearer ' + a.secret, '']) {
      const r = await v4('Transaction/Get', auth, { uuid: txA });
      assert.equal(r.status, 401, `${auth}: ${r.body}`);
    }
    // The positive control: A itself can read it.
    const own = await v4('Transaction/Get', basic(a.uuid, a.secret), { uuid: txA });
    assert.equal(JSON.parse(own.body).status, 'SUCCESS', own.body);
    assert.equal(await refundedOfA(), 0);
  });

  it("links: a payment link is only created with the merchant's own credentials, and is invisible to B", async () => {
    const request = {
      beneficiary_reference: 'shop',
      amount: '1500',
      payment_reference: 'inv-access-1',
      consumer_reference: 'c-1',
      url_callback: merchantServer.url,
      consumer_email: 'buyer@example.com',
      consumer_phone_number: '0600000000',
    };
    const post = (auth: string) => {
      attempts++;
      return rawRequest(serve.url, {
        method: 'POST',
        target: '/get_link_payment',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
    };
    for (const auth of [basic(a.uuid, b.secret), basic(b.uuid, a.secret), '']) {
      const r = await post(auth);
      assert.equal(JSON.parse(r.body).result, false, r.body);
    }
    assert.equal(
      (await withStore(db, (s) => s.listLinks({ merchantId: a.uuid, limit: 10 }))).length,
      0,
      'nothing stored from a refused request',
    );
    const ok = await post(basic(a.uuid, a.secret));
    assert.equal(JSON.parse(ok.body).result, true, ok.body);
    const [link] = await withStore(db, (s) => s.listLinks({ merchantId: a.uuid, limit: 10 }));
    assert.ok(link);
    const asB = await jsonCall(`${serve.url}/admin/links/${link.id}?merchant=${b.uuid}`, { token: serve.token });
    assert.equal(asB.status, 404);
    assert.equal((await withStore(db, (s) => s.listLinks({ merchantId: b.uuid, limit: 10 }))).length, 0);
  });

  it('operator API: nothing without the token, and scoped to the merchant it names', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', `/admin/transactions/${txA}`],
      ['POST', `/admin/transactions/${txA}/refunds`, { amount: '1.00' }],
      ['GET', `/admin/merchants/${a.uuid}/transactions`],
      ['GET', `/admin/merchants/${a.uuid}`],
      ['GET', '/admin/merchants'],
      ['POST', `/admin/merchants/${a.uuid}/rotate-secret`],
      ['POST', '/admin/merchants', { name: 'X', ip: '127.0.0.1', returnUrl: merchantServer.url }],
    ];
    for (const [method, path, body] of routes) {
      for (const token of [undefined, 'wrong-token-0123456789', a.secret, `${serve.token}x`]) {
        attempts++;
        const r = await jsonCall(`${serve.url}${path}`, { method, ...(token ? { token } : {}), ...(body ? { body } : {}) });
        assert.equal(r.status, 401, `${method} ${path} with ${token ?? 'no token'}: ${JSON.stringify(r.body)}`);
      }
    }
    attempts += 2;
    const scoped = await jsonCall(`${serve.url}/admin/transactions/${txA}?merchant=${b.uuid}`, { token: serve.token });
    assert.equal(scoped.status, 404);
    const refund = await jsonCall(`${serve.url}/admin/transactions/${txA}/refunds`, {
      method: 'POST',
      token: serve.token,
      body: { amount: '1.00', merchant: b.uuid },
    });
    assert.equal(refund.status, 404);
    assert.equal(await refundedOfA(), 0);
    // A's secret still works: no rotation went through.
    const own = await v4('Transaction/Get', basic(a.uuid, a.secret), { uuid: txA });
    assert.equal(JSON.parse(own.body).status, 'SUCCESS');
  });
});
