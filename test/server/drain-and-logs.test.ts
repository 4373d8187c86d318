import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { startServe } from '../helpers/serve.js';
import { tempSqlite } from '../helpers/sqlite.js';
import { http, nextYear, registerMerchant } from './http-client.js';

/** A return URL that answers 200 at once. */
async function paidReceiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('ok')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/paid`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('esipay serve for operators: the drain and the structured log', () => {
  it('on SIGTERM drains first: /healthz answers 503 "stopping", /livez 200, requests are still served; then it stops', async () => {
    const t = tempSqlite();
    const receiver = await paidReceiver();
    const serve = await startServe({ db: t.db, env: { ESIPAY_DRAIN_MS: '60000' } });
    try {
      const m = await registerMerchant(serve.url, serve.token, receiver.url);
      serve.child.kill('SIGTERM');
      await serve.waitForStderr(/SIGTERM: draining for 60000 ms/);
      const health = await http(serve.url, 'GET', '/healthz');
      assert.equal(health.status, 503, 'a probe sees the instance leave, not a refused connection');
      assert.deepEqual(health.json(), { status: 'stopping' });
      assert.equal((await http(serve.url, 'GET', '/readyz')).status, 503);
      assert.equal((await http(serve.url, 'GET', '/livez')).status, 200);
      const paid = await http(serve.url, 'GET', `/cardpay/${m.uuid}/during-drain/4111111111111111/12/${nextYear}/5.00`);
      assert.equal(paid.status, 200, 'a request that still arrives is served');
      assert.equal(paid.json().status, 'PAID');
      assert.equal(paid.headers.connection, 'close');
      // A second signal ends the drain: the service stops at once.
      const exit = await serve.stop();
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.match(serve.stderr(), /esipay serve: stopped/);
    } finally {
      await receiver.close();
      t.cleanup();
    }
  });

  it('--log-format json: one JSON object per line, with request id, route, status, merchant; never a card number', async () => {
    const t = tempSqlite();
    const receiver = await paidReceiver();
    const serve = await startServe({ db: t.db, args: ['--log-format', 'json'] });
    try {
      const m = await registerMerchant(serve.url, serve.token, receiver.url);
      const paid = await http(serve.url, 'GET', `/cardpay/${m.uuid}/json-log/4111111111111111/12/${nextYear}/5.00`, {
        headers: { 'x-request-id': 'req-42.a' },
      });
      assert.equal(paid.status, 200);
      assert.equal(paid.headers['x-request-id'], 'req-42.a', 'the caller’s request id comes back');
      const other = await http(serve.url, 'GET', '/healthz', { headers: { 'x-request-id': 'not a token!' } });
      assert.match(String(other.headers['x-request-id']), /^[0-9a-f]{16}$/, 'a new one when the given one is not a plain token');
      await serve.stop();
      const lines = serve
        .stderr()
        .split('\n')
        .filter((l) => l.trim() !== '');
      const docs = lines.map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return assert.fail(`not a JSON line: ${l}`);
        }
      });
      for (const d of docs)
        assert.ok(typeof d.time === 'string' && typeof d.level === 'string' && typeof d.msg === 'string', JSON.stringify(d));
      const pay = docs.find((d) => d.requestId === 'req-42.a');
      assert.ok(pay, 'the payment has its line');
      assert.equal(pay.route, 'v2.pay');
      assert.equal(pay.status, 200);
      assert.equal(pay.merchant, m.uuid);
      assert.equal(typeof pay.ms, 'number');
      assert.ok(docs.some((d) => typeof d.msg === 'string' && d.msg.startsWith('esipay serve listening on')));
      assert.ok(!serve.stderr().includes('4111111111111111'), 'no card number in the log');
    } finally {
      await receiver.close();
      t.cleanup();
    }
  });

  it('refuses a bad --drain or --log-format before it binds a port (exit 2)', async () => {
    const t = tempSqlite();
    try {
      for (const args of [
        ['--drain', 'soon'],
        ['--log-format', 'yaml'],
      ]) {
        await assert.rejects(startServe({ db: t.db, args }), /exited|code 2|invalid/i);
      }
    } finally {
      t.cleanup();
    }
  });
});
