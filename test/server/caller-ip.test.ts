import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callerIpOf } from '../../src/server/caller-ip.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { tempSqlite } from '../contract/subjects.js';
import { admin, http, nextYear, registerMerchant } from './http-client.js';

const payPath = (uuid: string, cid: string) => `/cardpay/${uuid}/${cid}/4111111111111111/12/${nextYear}/10.00`;

describe('callerIpOf', () => {
  it('is the socket peer, IPv4-mapped addresses in their IPv4 form', () => {
    assert.equal(callerIpOf('::ffff:192.0.2.7', undefined, []), '192.0.2.7');
    assert.equal(callerIpOf('2001:DB8::1', undefined, []), '2001:db8::1');
  });

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', () => {
    assert.equal(callerIpOf('192.0.2.7', '203.0.113.1', []), '192.0.2.7');
    assert.equal(callerIpOf('192.0.2.7', '203.0.113.1', ['10.0.0.0/8']), '192.0.2.7');
  });

  it('takes the right-most address that is not a trusted proxy', () => {
    assert.equal(callerIpOf('10.0.0.2', '203.0.113.1', ['10.0.0.0/8']), '203.0.113.1');
    assert.equal(callerIpOf('::ffff:10.0.0.2', '198.51.100.9, 203.0.113.1', ['10.0.0.0/8']), '203.0.113.1');
    assert.equal(callerIpOf('10.0.0.2', '198.51.100.9, 203.0.113.1, 10.0.0.5', ['10.0.0.0/8']), '203.0.113.1');
    assert.equal(callerIpOf('10.0.0.2', ['198.51.100.9', '203.0.113.1:4444'], ['10.0.0.0/8']), '203.0.113.1');
    assert.equal(callerIpOf('10.0.0.2', '[2001:db8::5]:80', ['10.0.0.0/8']), '2001:db8::5');
  });

  it('stops at a malformed entry rather than believing what lies beyond it', () => {
    assert.equal(callerIpOf('10.0.0.2', '203.0.113.1, garbage', ['10.0.0.0/8']), '10.0.0.2');
    assert.equal(callerIpOf('10.0.0.2', '', ['10.0.0.0/8']), '10.0.0.2');
    assert.equal(callerIpOf('10.0.0.2', '10.0.0.3', ['10.0.0.0/8']), '10.0.0.3');
  });
});

describe('caller address over HTTP', () => {
  const receivers: Receiver[] = [];
  const cleanups: (() => void)[] = [];
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    for (const c of cleanups) c();
  });
  async function returnUrl(): Promise<string> {
    const r = await startReceiver(200);
    receivers.push(r);
    return `${r.url}/return`;
  }

  describe('on a dual-stack socket', () => {
    let serve: ServeProcess;
    before(async () => {
      const t = tempSqlite();
      cleanups.push(t.cleanup);
      serve = await startServe({ db: t.db, host: '::' });
    });
    after(() => serve.stop());

    it('matches an IPv4 client (seen as ::ffff:127.0.0.1) with the IPv4 address it was registered with', async () => {
      const base = `http://127.0.0.1:${serve.port}`;
      const v4 = await registerMerchant(base, serve.token, await returnUrl(), '127.0.0.1');
      assert.equal((await http(base, 'GET', payPath(v4.uuid, 'v4'))).status, 200);
      const mapped = await registerMerchant(base, serve.token, await returnUrl(), '::ffff:127.0.0.1');
      assert.equal((await admin(base, serve.token, 'GET', `/admin/merchants/${mapped.uuid}`)).json().ip, '127.0.0.1');
      assert.equal((await http(base, 'GET', payPath(mapped.uuid, 'mapped'))).status, 200);
      await serve.waitForStderr(/GET \/cardpay\/.*\/mapped\/.* 200 [\d.]+ms 127\.0\.0\.1$/);
    });

    it('tells IPv6 loopback from IPv4 loopback', async () => {
      const v6 = await registerMerchant(`http://[::1]:${serve.port}`, serve.token, await returnUrl(), '::1');
      assert.equal((await http(`http://[::1]:${serve.port}`, 'GET', payPath(v6.uuid, 'v6'))).status, 200);
      assert.equal((await http(`http://127.0.0.1:${serve.port}`, 'GET', payPath(v6.uuid, 'v4-for-v6'))).status, 403);
    });
  });

  describe('without --trust-proxy', () => {
    let serve: ServeProcess;
    before(async () => {
      const t = tempSqlite();
      cleanups.push(t.cleanup);
      serve = await startServe({ db: t.db });
    });
    after(() => serve.stop());

    it('ignores X-Forwarded-For: a forged header gets 403', async () => {
      const m = await registerMerchant(serve.url, serve.token, await returnUrl(), '203.0.113.7');
      const a = await http(serve.url, 'GET', payPath(m.uuid, 'forged'), { headers: { 'x-forwarded-for': '203.0.113.7' } });
      assert.equal(a.status, 403);
      assert.deepEqual((await admin(serve.url, serve.token, 'GET', `/admin/merchants/${m.uuid}/transactions`)).json().items, []);
    });
  });

  describe('behind a trusted proxy (--trust-proxy 127.0.0.1/32)', () => {
    let serve: ServeProcess;
    before(async () => {
      const t = tempSqlite();
      cleanups.push(t.cleanup);
      serve = await startServe({ db: t.db, args: ['--trust-proxy', '127.0.0.1/32'] });
    });
    after(() => serve.stop());

    it('reads the merchant server from the right-most X-Forwarded-For entry, and no further left', async () => {
      const m = await registerMerchant(serve.url, serve.token, await returnUrl(), '203.0.113.7');
      const paid = await http(serve.url, 'GET', payPath(m.uuid, 'via-proxy'), {
        headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' },
      });
      assert.equal(paid.status, 200);
      await serve.waitForStderr(/\/via-proxy\/.* 200 [\d.]+ms 203\.0\.113\.7$/);

      const spoofed = await http(serve.url, 'GET', payPath(m.uuid, 'spoofed'), {
        headers: { 'x-forwarded-for': '203.0.113.7, 198.51.100.1' },
      });
      assert.equal(spoofed.status, 403);

      const tx = paid.json().id as string;
      const direct = await http(serve.url, 'GET', `/cardpay/${m.uuid}/${tx}/1.00`);
      assert.equal(direct.status, 403, 'the proxy itself is not the merchant');
      assert.equal(direct.json().error.code, 'forbidden_ip');
      assert.equal(
        (await admin(serve.url, serve.token, 'GET', `/admin/transactions/${tx}`)).json().refunded,
        0,
        'a refused refund changes nothing',
      );

      const refunded = await http(serve.url, 'GET', `/cardpay/${m.uuid}/${tx}/1.00`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      assert.equal(refunded.status, 200);
      assert.equal(refunded.json().transaction.refunded, 100);
    });
  });
});
