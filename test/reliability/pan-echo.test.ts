import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startServe } from '../helpers/serve.js';
import { registerMerchant, tempDir } from './live.js';
import { startMerchantServer } from './merchant-server.js';
import { rawRequest } from './raw-http.js';

/**
 * A card number sent where something else was expected (a merchant uuid, a cid, an amount, a
 * transaction id, a V4 web-service name or uuid, an orderId, an admin id) must never come back in
 * an answer, a message or a log line: the callers who do this are the ones whose logs leak.
 * Valid test PANs and mistyped ones (failing Luhn) alike.
 */
const PANS = ['4111111111111111', '5555555555554444', '4111111111111112', '378282246310005', '4000000000000002'];

describe('a card number in the wrong place is never echoed', () => {
  it('v2 routes, V4 web services, the operator API, the CLI: no answer, message or log line carries it', { timeout: 120_000 }, async () => {
    const { dir: home, cleanup } = tempDir('esipay-pan-echo-');
    const merchantServer = await startMerchantServer(() => ({ status: 200 }));
    const serve = await startServe({ db: join(home, 'esipay.db'), home });
    const answers: string[] = [];
    try {
      const m = await registerMerchant(serve, merchantServer.url);
      const basic = `Basic ${Buffer.from(`${m.uuid}:${m.secret}`).toString('base64')}`;
      const v4 = (service: string, body: unknown) =>
        rawRequest(serve.url, {
          method: 'POST',
          target: `/api-payment/V4/${service}`,
          headers: { authorization: basic, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const admin = (target: string, method = 'GET', body?: unknown) =>
        rawRequest(serve.url, {
          method,
          target,
          headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      for (const pan of PANS) {
        const requests = [
          // v2: the PAN as the merchant uuid, the transaction id, the amount, the cid with a bad card.
          rawRequest(serve.url, { method: 'GET', target: `/cardpay/${pan}/order-1/4111111111111111/12/2040/1.00` }),
          rawRequest(serve.url, { method: 'GET', target: `/cardpay/${m.uuid}/${pan}/1.00` }),
          rawRequest(serve.url, { method: 'GET', target: `/cardpay/${m.uuid}/${pan}` }),
          rawRequest(serve.url, { method: 'GET', target: `/cardpay/${m.uuid}/order-2/4111111111111111/12/2040/${pan}` }),
          rawRequest(serve.url, { method: 'GET', target: `/cardpay/${m.uuid}/order-3/4111111111111111/12/2040/${pan}.00` }),
          rawRequest(serve.url, { method: 'POST', target: `/cardpay/${m.uuid}/order-${pan}/${pan}x/12/2040/1.00` }),
          // V4: the PAN as the web service, a uuid, an orderId, an amount, a currency.
          v4(pan, {}),
          v4(`Charge/${pan}`, {}),
          v4('Transaction/Get', { uuid: pan }),
          v4('Order/Get', { orderId: pan }),
          v4('Charge/CreateShipmentTransaction', { uuid: pan, amount: 100 }),
          v4('Charge/CreatePayment', { amount: pan, currency: 'EUR', useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION' }),
          v4('Charge/CreatePayment', { amount: 100, currency: pan, useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION' }),
          v4('Charge/CreatePayment', { amount: 100, currency: 'EUR', orderId: `${pan} x`, useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION' }),
          v4('Transaction/Refund', { uuid: pan }),
          // The operator API: ids and amounts.
          admin(`/admin/transactions/${pan}`),
          admin(`/admin/merchants/${pan}`),
          admin(`/admin/merchants/${m.uuid}/transactions/${pan}`),
          admin(`/admin/transactions/${pan}/refunds`, 'POST', { amount: '1.00' }),
          admin('/admin/shipments', 'POST', { merchant: m.uuid, initial: pan, amount: '1.00' }),
          admin('/admin/initials', 'POST', { merchant: m.uuid, amount: pan, card: { number: pan, month: '12', year: '2040' } }),
        ];
        for (const a of await Promise.all(requests)) answers.push(a.body);
      }
      assert.ok(answers.length >= PANS.length * 20, 'every request was answered');
      for (const body of answers) for (const pan of PANS) assert.ok(!body.includes(pan), `an answer carries ${pan}: ${body.slice(0, 300)}`);

      // The CLI quotes what it was given in its error messages too.
      for (const pan of PANS) {
        for (const args of [
          ['tx', 'show', pan],
          ['refund', pan, '1.00'],
          ['pay', pan, '--card', '4111111111111111', '--expiry', '12/2040', '--cid', 'x', '--merchant', m.uuid],
          ['pay', '1.00', '--card', '4111111111111111', '--expiry', '12/2040', '--cid', 'x', '--merchant', pan],
        ]) {
          const r = await runCli(['--engine', 'remote', '--url', serve.url, '--token', serve.token, ...args], { home });
          assert.notEqual(r.code, 0);
          assert.ok(!(r.stdout + r.stderr).includes(pan), `esipay ${args.join(' ')} printed the card number: ${r.stderr}`);
        }
      }
    } finally {
      await serve.stop();
      await merchantServer.close();
      for (const pan of PANS) assert.ok(!serve.stderr().includes(pan), `the service log carries ${pan}`);
      cleanup();
    }
  });
});
