import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MerchantView, MerchantWithSecret } from '../../src/domain/types.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { request as linkRequest } from '../links/service.js';
import { initialRequest } from '../v4/service.js';

/**
 * The merchant lifecycle over HTTP, against a real `esipay serve`: the operator API changes,
 * disables and enables a merchant and rotates its secret; the merchant-facing APIs (v2 /cardpay,
 * V4, get_link_payment) refuse a disabled merchant with 403, each in its own words, and stop
 * accepting an expired secret at once.
 */
describe('merchant lifecycle over HTTP', () => {
  let dir: string;
  let serve: ServeProcess;
  let receiver: Receiver;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'esipay-merchant-lifecycle-'));
    serve = await startServe({ db: join(dir, 'esipay.db') });
    receiver = await startReceiver(200);
  });
  after(async () => {
    await serve?.stop();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${serve.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  const register = async (): Promise<MerchantWithSecret> => {
    const r = await admin('POST', '/admin/merchants', { name: 'Boutique', ip: '127.0.0.1', returnUrl: `${receiver.url}/paid` });
    assert.equal(r.status, 201);
    return r.json as MerchantWithSecret;
  };
  const basic = (uuid: string, secret: string) => `Basic ${Buffer.from(`${uuid}:${secret}`).toString('base64')}`;
  let orders = 0;
  const v4Pay = async (uuid: string, secret: string) => {
    const res = await fetch(`${serve.url}/api-payment/V4/Charge/CreatePayment`, {
      method: 'POST',
      headers: { authorization: basic(uuid, secret), 'content-type': 'application/json' },
      body: JSON.stringify(initialRequest({ orderId: `order-${++orders}` })),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  const linkPay = async (uuid: string, secret: string) => {
    const res = await fetch(`${serve.url}/get_link_payment`, {
      method: 'POST',
      headers: { authorization: basic(uuid, secret), 'content-type': 'application/json' },
      body: JSON.stringify(linkRequest()),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  const v2 = async (path: string) => {
    const res = await fetch(`${serve.url}/cardpay/${path}`, { method: 'POST' });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('refuses a disabled merchant with 403 on the v2, V4 and link routes, each in its own words; the operator still reads its history', async () => {
    const m = await register();
    const paid = await v2(`${m.uuid}/order-v2-1/4111111111111111/12/2035/10.00`);
    assert.equal(paid.status, 200);
    assert.equal((await v4Pay(m.uuid, m.secret)).json.status, 'SUCCESS');
    assert.equal((await linkPay(m.uuid, m.secret)).json.result, true);

    const disabled = await admin('POST', `/admin/merchants/${m.uuid}/disable`);
    assert.equal(disabled.status, 200);
    assert.equal(disabled.json.status, 'disabled');

    const pay = await v2(`${m.uuid}/order-v2-2/4111111111111111/12/2035/10.00`);
    assert.equal(pay.status, 403);
    assert.equal(pay.json.error.code, 'merchant_disabled');
    const refund = await v2(`${m.uuid}/${paid.json.id}/1.00`);
    assert.equal(refund.status, 403);
    assert.equal(refund.json.error.code, 'merchant_disabled');

    const v4 = await v4Pay(m.uuid, m.secret);
    assert.equal(v4.status, 403);
    assert.equal(v4.json.status, 'ERROR');
    assert.equal(v4.json.answer.errorCode, 'ESI_403');
    assert.match(v4.json.answer.detailedErrorMessage, /disabled/);
    const wrong = await v4Pay(m.uuid, 'whsec_not_its_secret');
    assert.equal(wrong.status, 401, 'only whoever holds its secret learns that it is disabled');
    assert.equal(wrong.json.answer.errorCode, 'ESI_401');

    const link = await linkPay(m.uuid, m.secret);
    assert.equal(link.status, 403);
    assert.deepEqual([link.json.result, link.json.code], [false, 'AUTH_005']);
    assert.equal((await linkPay(m.uuid, 'whsec_not_its_secret')).json.code, 'AUTH_002');

    const history = await admin('GET', `/admin/merchants/${m.uuid}/transactions`);
    assert.equal(history.status, 200);
    assert.equal(history.json.items.length, 2, 'the v2 payment and the V4 initial, nothing recorded since');
    assert.equal((await admin('GET', `/admin/transactions/${paid.json.id}`)).json.status, 'PAID');
    assert.equal((await admin('GET', `/admin/merchants/${m.uuid}/links`)).json.items.length, 1);
    assert.equal((await admin('GET', `/admin/merchants/${m.uuid}`)).json.status, 'disabled');
    const listed = (await admin('GET', '/admin/merchants?limit=500')).json.items as MerchantView[];
    assert.equal(listed.find((x) => x.uuid === m.uuid)?.status, 'disabled');

    const enabled = await admin('POST', `/admin/merchants/${m.uuid}/enable`);
    assert.equal(enabled.json.status, 'active');
    assert.equal((await v4Pay(m.uuid, m.secret)).json.status, 'SUCCESS');
    assert.equal((await v2(`${m.uuid}/order-v2-3/4111111111111111/12/2035/10.00`)).status, 200);
  });

  it('rotates a secret: the previous one keeps working until expirePrevious, which stops it at once as V4 and link password', async () => {
    const m = await register();
    const first = await admin('POST', `/admin/merchants/${m.uuid}/rotate-secret`);
    assert.equal(first.status, 200);
    assert.equal((await v4Pay(m.uuid, m.secret)).json.status, 'SUCCESS', 'the previous secret still works');
    assert.equal((await v4Pay(m.uuid, first.json.secret)).json.status, 'SUCCESS');

    const second = await admin('POST', `/admin/merchants/${m.uuid}/rotate-secret`, { expirePrevious: true });
    assert.equal(second.status, 200);
    const old = await v4Pay(m.uuid, first.json.secret);
    assert.equal(old.status, 401);
    assert.equal(old.json.answer.errorCode, 'ESI_401');
    assert.equal((await linkPay(m.uuid, first.json.secret)).json.code, 'AUTH_002');
    assert.equal((await v4Pay(m.uuid, second.json.secret)).json.status, 'SUCCESS');
    assert.equal((await linkPay(m.uuid, second.json.secret)).json.result, true);

    const bad = await admin('POST', `/admin/merchants/${m.uuid}/rotate-secret`, { expirePrevious: 'yes' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'invalid_expire_previous');
  });

  it('PATCHes a merchant with the checks of registration: 400 for a bad value, 404 for an unknown merchant', async () => {
    const m = await register();
    const patched = await admin('PATCH', `/admin/merchants/${m.uuid}`, { name: 'Boutique Neuve', notificationUrl: `${receiver.url}/ipn` });
    assert.equal(patched.status, 200);
    assert.equal(patched.json.name, 'Boutique Neuve');
    assert.equal(patched.json.notificationUrl, `${receiver.url}/ipn`);
    assert.equal(patched.json.returnUrl, `${receiver.url}/paid`);
    assert.equal((await admin('PATCH', `/admin/merchants/${m.uuid}`, { notificationUrl: null })).json.notificationUrl, null);
    const bad = await admin('PATCH', `/admin/merchants/${m.uuid}`, { ip: 'localhost' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'invalid_ip');
    assert.equal((await admin('PATCH', `/admin/merchants/${m.uuid}`, {})).json.error.code, 'nothing_to_update');
    const unknown = await admin('PATCH', '/admin/merchants/00000000-0000-4000-8000-000000000000', { name: 'x' });
    assert.equal(unknown.status, 404);
    assert.equal((await admin('POST', '/admin/merchants/00000000-0000-4000-8000-000000000000/disable')).status, 404);
  });
});
