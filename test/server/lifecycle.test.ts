import assert from 'node:assert/strict';
import { Agent, createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { TransactionRecord } from '../../src/domain/types.js';
import { openStore } from '../../src/store/open-store.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { startServe } from '../helpers/serve.js';
import { tempSqlite } from '../contract/subjects.js';
import { admin, http, nextYear, registerMerchant } from './http-client.js';

describe('esipay serve lifecycle', () => {
  it('answers /healthz for load balancers', async () => {
    const t = tempSqlite();
    const serve = await startServe({ db: t.db });
    try {
      const get = await http(serve.url, 'GET', '/healthz');
      assert.equal(get.status, 200);
      assert.deepEqual(get.json(), { status: 'ok' });
      const head = await http(serve.url, 'HEAD', '/healthz');
      assert.equal(head.status, 200);
      assert.equal(head.text, '');
      assert.equal((await http(serve.url, 'POST', '/healthz')).status, 405);
    } finally {
      await serve.stop();
      t.cleanup();
    }
  });

  it('keeps connections alive between requests', async () => {
    const t = tempSqlite();
    const serve = await startServe({ db: t.db });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const reused: boolean[] = [];
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = request(`${serve.url}/healthz`, { agent }, (res) => {
            assert.equal(res.statusCode, 200);
            assert.equal(res.headers.connection, 'keep-alive');
            reused.push(req.reusedSocket);
            res.resume().on('end', () => resolve());
          });
          req.on('error', reject).end();
        });
      }
      assert.deepEqual(reused, [false, true, true]);
    } finally {
      agent.destroy();
      await serve.stop();
      t.cleanup();
    }
  });

  it('on SIGTERM stops accepting, finishes the payment in flight, closes the store and exits 0', async () => {
    const t = tempSqlite();
    // A return URL that holds its answer until the test lets it go.
    let held: ServerResponse | undefined;
    let callbackArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (callbackArrived = resolve));
    const merchantServer = createServer((req, res) => {
      req.resume().on('end', () => {
        held = res;
        callbackArrived();
      });
    });
    await new Promise<void>((resolve) => merchantServer.listen(0, '127.0.0.1', resolve));
    const returnUrl = `http://127.0.0.1:${(merchantServer.address() as AddressInfo).port}/return`;
    const serve = await startServe({ db: t.db });
    try {
      const m = await registerMerchant(serve.url, serve.token, returnUrl);
      const payment = http(serve.url, 'GET', `/cardpay/${m.uuid}/in-flight/4111111111111111/12/${nextYear}/42.00`);
      await arrived;

      serve.child.kill('SIGTERM');
      await serve.waitForStderr(/SIGTERM: finishing requests in flight/);
      await assert.rejects(http(serve.url, 'GET', '/healthz'), /ECONNREFUSED/, 'no new connections once stopping');

      held!.writeHead(200).end('ok');
      const answer = await payment;
      assert.equal(answer.status, 200);
      assert.equal(answer.json().status, 'PAID');
      assert.equal(answer.headers.connection, 'close');

      const exit = await serve.stop();
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.match(serve.stderr(), /esipay serve: stopped/);

      const store = await openStore(t.db);
      const tx = await store.getTransaction(answer.json().id);
      await store.close();
      assert.equal(tx?.status, 'PAID');
    } finally {
      await serve.stop();
      merchantServer.closeAllConnections();
      merchantServer.close();
      t.cleanup();
    }
  });

  it('exits 0 on SIGINT', async () => {
    const t = tempSqlite();
    const serve = await startServe({ db: t.db });
    try {
      assert.deepEqual(await serve.stop('SIGINT'), { code: 0, signal: null });
    } finally {
      t.cleanup();
    }
  });

  it('cancels at start-up the payments a crash left waiting for their return URL, and only those past their deadline', async () => {
    const t = tempSqlite();
    try {
      const store = await openStore(t.db);
      const now = Date.now();
      await store.insertMerchant({
        id: '11111111-2222-4333-8444-555555555555',
        name: 'Crashed',
        ip: '127.0.0.1',
        returnUrl: 'http://127.0.0.1:9/return',
        notificationUrl: null,
        currency: 'EUR',
        secrets: ['whsec_test'],
        createdAt: new Date(now - 120_000).toISOString(),
      });
      const pending = (id: string, deadline: number): TransactionRecord => ({
        id,
        merchantId: '11111111-2222-4333-8444-555555555555',
        kind: 'card',
        cid: `cid-${id.slice(0, 4)}`,
        idemKey: `card:cid-${id.slice(0, 4)}`,
        requestHash: 'x',
        status: 'PENDING',
        amount: 1000,
        currency: 'EUR',
        refunded: 0,
        shipped: 0,
        parentId: null,
        cardFirst6: '411111',
        cardLast4: '1111',
        cardBrand: 'visa',
        cardHash: 'h',
        cardToken: null,
        email: null,
        authCode: null,
        reason: null,
        callbackStatus: null,
        callbackError: null,
        deadlineAt: new Date(deadline).toISOString(),
        expiresAt: null,
        createdAt: new Date(now - 60_000).toISOString(),
        updatedAt: new Date(now - 60_000).toISOString(),
      });
      await store.insertTransaction(pending('aaaa0000000000000000000000000001', now - 10_000));
      await store.insertTransaction(pending('bbbb0000000000000000000000000002', now + 3_600_000));
      await store.close();

      const serve = await startServe({ db: t.db });
      try {
        const abandoned = (await admin(serve.url, serve.token, 'GET', '/admin/transactions/aaaa0000000000000000000000000001')).json();
        assert.equal(abandoned.status, 'CANCELLED');
        assert.match(abandoned.reason, /abandoned/);
        assert.equal(abandoned.remaining, 0);
        const inTime = (await admin(serve.url, serve.token, 'GET', '/admin/transactions/bbbb0000000000000000000000000002')).json();
        assert.equal(inTime.status, 'PENDING');
        assert.match(serve.stderr(), /cancelled 1 payment\(s\) abandoned/);
      } finally {
        await serve.stop();
      }
    } finally {
      t.cleanup();
    }
  });

  it('refuses bad options and a busy port with the usual exit codes', async () => {
    const t = tempSqlite();
    const { home, cleanup } = tempHome();
    const serve = await startServe({ db: t.db });
    try {
      const busy = await runCli(['serve', '--port', String(serve.port), '--host', '127.0.0.1', '--db', t.db], {
        home,
        env: { ESIPAY_ADMIN_TOKEN: 'a-long-enough-token-for-tests' },
      });
      assert.equal(busy.code, 5);
      assert.match(busy.stderr, /already in use/);
      assert.doesNotMatch(busy.stderr, /listening on/);
      for (const args of [
        ['--port', 'abc'],
        ['--port', '70000'],
        ['--trust-proxy', 'not-a-cidr'],
        ['--trust-proxy', '10.0.0.0/33'],
        ['--callback-timeout', '0'],
        ['--public-url', 'ftp://x'],
      ]) {
        const r = await runCli(['serve', '--db', t.db, ...args], { home, env: { ESIPAY_ADMIN_TOKEN: 'a-long-enough-token-for-tests' } });
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /^error: /m);
      }
      const weak = await runCli(['serve', '--db', t.db, '--port', '0'], { home, env: { ESIPAY_ADMIN_TOKEN: 'short' } });
      assert.equal(weak.code, 2);
    } finally {
      await serve.stop();
      cleanup();
      t.cleanup();
    }
  });
});
