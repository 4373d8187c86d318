import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { startServe } from '../helpers/serve.js';
import { tempSqlite } from '../helpers/sqlite.js';
import { http, nextYear, registerMerchant } from './http-client.js';

describe('GET /metrics (Prometheus text format)', () => {
  it('counts requests by route and status, payment outcomes and refunded amounts; behind the operator token', async () => {
    const t = tempSqlite();
    const receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('ok')));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const returnUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/paid`;
    const serve = await startServe({ db: t.db });
    const auth = { authorization: `Bearer ${serve.token}` };
    try {
      assert.equal((await http(serve.url, 'GET', '/metrics')).status, 401, 'not without the token');
      assert.equal((await http(serve.url, 'GET', '/metrics', { headers: { authorization: 'Bearer nope-nope-nope-nope' } })).status, 401);

      const m = await registerMerchant(serve.url, serve.token, returnUrl);
      const paid = await http(serve.url, 'GET', `/cardpay/${m.uuid}/m-1/4111111111111111/12/${nextYear}/10.00`);
      assert.equal(paid.status, 200);
      const declined = await http(serve.url, 'GET', `/cardpay/${m.uuid}/m-2/4000000000000002/12/${nextYear}/10.00`);
      assert.equal(declined.status, 400);
      assert.equal((await http(serve.url, 'GET', `/cardpay/${m.uuid}/${paid.json().id}/3.00`)).status, 200);
      // Hostile paths share one label: ids never become series.
      for (let i = 0; i < 5; i++) await http(serve.url, 'GET', `/admin/merchants/${'f'.repeat(i + 1)}x${i}`, { headers: auth });

      const a = await http(serve.url, 'GET', '/metrics', { headers: auth });
      assert.equal(a.status, 200);
      assert.match(String(a.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      const text = a.text;
      for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
        assert.match(line, /^[a-z_]+(\{[a-z_]+="[^"\n]*"(,[a-z_]+="[^"\n]*")*\})? -?[0-9.e+]+$/, `a sample line: ${line}`);
      }
      assert.match(text, /^esipay_http_requests_total\{route="v2\.pay",status="200"\} 1$/m);
      assert.match(text, /^esipay_http_requests_total\{route="v2\.pay",status="400"\} 1$/m);
      assert.match(text, /^esipay_http_requests_total\{route="v2\.refund_partial",status="200"\} 1$/m);
      assert.match(text, /^esipay_http_requests_total\{route="admin GET \/admin\/merchants\/:id",status="404"\} 5$/m);
      assert.match(text, /^esipay_payments_total\{kind="card",outcome="PAID"\} 1$/m);
      assert.match(text, /^esipay_payments_total\{kind="card",outcome="DECLINED"\} 1$/m);
      assert.match(text, /^esipay_refunded_minor_units_total\{currency="EUR"\} 300$/m);
      assert.match(text, /^esipay_http_request_duration_seconds_count\{route="v2\.pay"\} 2$/m);
      assert.match(text, /^esipay_outbox_pending \d+$/m);
      assert.match(text, /^esipay_database_up 1$/m);
      assert.ok(!text.includes('4111111111111111') && !text.includes(m.uuid), 'no card number, no id');
    } finally {
      await serve.stop();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      t.cleanup();
    }
  });
});
