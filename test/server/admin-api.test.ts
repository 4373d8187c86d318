import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { tempSqlite } from '../contract/subjects.js';
import { admin, http, nextYear, registerMerchant } from './http-client.js';

describe('operator API', () => {
  let serve: ServeProcess;
  let cleanupDb: () => void;
  let r: Receiver;

  before(async () => {
    const t = tempSqlite();
    cleanupDb = t.cleanup;
    serve = await startServe({ db: t.db });
    r = await startReceiver(200);
  });
  after(async () => {
    await r.close();
    await serve.stop();
    cleanupDb();
  });

  it('refuses requests without the bearer token, with another token, or another scheme', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer not-the-token-at-all' },
      { authorization: `Basic ${serve.token}` },
      { authorization: `Bearer ${serve.token}x` },
    ];
    for (const headers of attempts) {
      for (const path of ['/admin/merchants', '/admin/nothing-here']) {
        const a = await http(serve.url, 'GET', path, { headers });
        assert.equal(a.status, 401, JSON.stringify(headers));
        assert.match(String(a.headers['www-authenticate']), /^Bearer/);
        assert.match(a.json().error.code, /^(missing|invalid)_token$/);
      }
    }
    const register = await http(serve.url, 'POST', '/admin/merchants', {
      body: JSON.stringify({ name: 'Intruder', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1/x' }),
    });
    assert.equal(register.status, 401);
    const list = await admin(serve.url, serve.token, 'GET', '/admin/merchants?limit=500');
    assert.ok(!list.json().items.some((m: { name: string }) => m.name === 'Intruder'));
  });

  it('registers, shows, lists and rotates merchants', async () => {
    const created = await admin(serve.url, serve.token, 'POST', '/admin/merchants', {
      name: 'Librairie',
      ip: '127.0.0.1',
      returnUrl: `${r.url}/ok`,
      currency: 'CHF',
    });
    assert.equal(created.status, 201);
    const m = created.json();
    assert.match(m.secret, /^whsec_/);
    assert.equal(m.currency, 'CHF');

    const shown = await admin(serve.url, serve.token, 'GET', `/admin/merchants/${m.uuid}`);
    assert.equal(shown.status, 200);
    const { secret: _s, ...view } = m;
    assert.deepEqual(shown.json(), view);

    const listed = await admin(serve.url, serve.token, 'GET', '/admin/merchants');
    assert.ok(listed.json().items.some((x: { uuid: string }) => x.uuid === m.uuid));
    assert.ok('next' in listed.json());

    const rotated = await admin(serve.url, serve.token, 'POST', `/admin/merchants/${m.uuid}/rotate-secret`);
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.json().secret, m.secret);
  });

  it('answers errors with REST statuses and the error document', async () => {
    const bad = await admin(serve.url, serve.token, 'POST', '/admin/merchants', { name: 'X', ip: 'nope', returnUrl: `${r.url}/ok` });
    assert.equal(bad.status, 400);
    assert.equal(bad.json().error.code, 'invalid_ip');
    const notJson = await http(serve.url, 'POST', '/admin/merchants', {
      headers: { authorization: `Bearer ${serve.token}` },
      body: '{"name":',
    });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json().error.code, 'invalid_json');
    const array = await admin(serve.url, serve.token, 'POST', '/admin/merchants', [1, 2]);
    assert.equal(array.json().error.code, 'invalid_json');
    const unknown = await admin(serve.url, serve.token, 'GET', '/admin/merchants/00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json().error.code, 'unknown_merchant');
    assert.equal((await admin(serve.url, serve.token, 'GET', '/admin/nothing')).status, 404);
    const method = await admin(serve.url, serve.token, 'DELETE', '/admin/merchants');
    assert.equal(method.status, 405);
    assert.equal(method.headers.allow, 'GET, POST');
    const big = await http(serve.url, 'POST', '/admin/merchants', {
      headers: { authorization: `Bearer ${serve.token}` },
      body: Buffer.alloc(65 * 1024 + 1, ' '),
    });
    assert.equal(big.status, 413);
  });

  it("lists a merchant's transactions newest first in pages, shows one with its refunds, and refunds", async () => {
    const m = await registerMerchant(serve.url, serve.token, `${r.url}/ok`);
    const paid: { id: string; createdAt: string; amount: number }[] = [];
    for (const [i, amount] of ['10.00', '20.00', '30.00'].entries()) {
      const a = await http(serve.url, 'GET', `/cardpay/${m.uuid}/o${i}/4111111111111111/12/${nextYear}/${amount}`);
      paid.push(a.json());
    }
    // Newest first (creation time, then id within one millisecond).
    const newestFirst = [...paid]
      .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1))
      .map((t) => t.id);
    const ids = paid.map((t) => t.id);
    const first = await admin(serve.url, serve.token, 'GET', `/admin/merchants/${m.uuid}/transactions?limit=2`);
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.json().items.map((t: { id: string }) => t.id),
      newestFirst.slice(0, 2),
    );
    const second = await admin(
      serve.url,
      serve.token,
      'GET',
      `/admin/merchants/${m.uuid}/transactions?limit=2&cursor=${first.json().next}`,
    );
    assert.deepEqual(
      second.json().items.map((t: { id: string }) => t.id),
      newestFirst.slice(2),
    );
    assert.equal(second.json().next, null);
    assert.equal(
      (await admin(serve.url, serve.token, 'GET', `/admin/merchants/${m.uuid}/transactions?limit=abc`)).json().error.code,
      'invalid_limit',
    );
    assert.equal(
      (await admin(serve.url, serve.token, 'GET', `/admin/merchants/${m.uuid}/transactions?cursor=zz`)).json().error.code,
      'invalid_cursor',
    );

    const refund = await admin(serve.url, serve.token, 'POST', `/admin/transactions/${ids[0]}/refunds`, { amount: '4.00' });
    assert.equal(refund.status, 201);
    assert.equal(refund.json().transaction.remaining, 600);
    const over = await admin(serve.url, serve.token, 'POST', `/admin/transactions/${ids[0]}/refunds`, { amount: '6.01' });
    assert.equal(over.status, 409);
    assert.equal(over.json().error.code, 'amount_exceeds_remaining');

    const detail = await admin(serve.url, serve.token, 'GET', `/admin/transactions/${ids[0]}`);
    assert.equal(detail.status, 200);
    assert.deepEqual(
      detail.json().refunds.map((x: { amount: number }) => x.amount),
      [400],
    );
    assert.deepEqual(detail.json().callback, { status: 200, error: null });
    const scoped = await admin(serve.url, serve.token, 'GET', `/admin/merchants/${m.uuid}/transactions/${ids[0]}`);
    assert.deepEqual(scoped.json(), detail.json());
    const other = await registerMerchant(serve.url, serve.token, `${r.url}/ok`);
    assert.equal((await admin(serve.url, serve.token, 'GET', `/admin/merchants/${other.uuid}/transactions/${ids[0]}`)).status, 404);
    assert.equal((await admin(serve.url, serve.token, 'GET', `/admin/transactions/${ids[0]}?merchant=${other.uuid}`)).status, 404);

    const totals = await admin(serve.url, serve.token, 'GET', `/admin/merchants/${m.uuid}/totals`);
    assert.equal(totals.json().paid, '6000');
    assert.equal(totals.json().refunded, '400');
    assert.equal(totals.json().count, 3);
  });

  it('has an endpoint for every other engine method (shipments, links)', async () => {
    for (const [method, path] of [
      ['POST', '/admin/initials'],
      ['POST', '/admin/shipments'],
      ['POST', '/admin/links'],
      ['GET', '/admin/links/0123456789abcdef0123456789abcdef'],
      ['GET', '/admin/merchants/00000000-0000-4000-8000-000000000000/links'],
    ] as const) {
      const a = await admin(serve.url, serve.token, method, path, method === 'POST' ? {} : undefined);
      // The endpoint exists (no route-level 404/405): the engine itself answers the empty request.
      assert.notEqual(a.status, 405, `${method} ${path}`);
      assert.notEqual(a.json().error?.code, 'not_found', `${method} ${path}: ${a.text}`);
      assert.equal(typeof a.json().error?.code, 'string', `${method} ${path}: ${a.text}`);
    }
  });
});

describe('operator token', () => {
  it('is created on the first start, printed once, stored hashed; --new-admin-token replaces it; ESIPAY_ADMIN_TOKEN overrides it', async () => {
    const t = tempSqlite();
    try {
      const first = await startServe({ db: t.db, adminToken: null });
      const token = first.token;
      assert.match(token, /^esk_[A-Za-z0-9_-]{40,}$/);
      assert.equal(first.stderr().split(token).length - 1, 1, 'printed exactly once');
      assert.equal((await admin(first.url, token, 'GET', '/admin/merchants')).status, 200);
      assert.equal((await first.stop()).code, 0);

      const store = await openStore(t.db);
      assert.equal(await store.getSetting('admin_token_sha256'), createHash('sha256').update(token).digest('hex'));
      await store.close();
      for (const file of [t.db, `${t.db}-wal`]) {
        if (existsSync(file)) assert.ok(!readFileSync(file).includes(token), `${file} holds the token in clear`);
      }

      const second = await startServe({ db: t.db, adminToken: null });
      assert.doesNotMatch(second.stderr(), /operator token/);
      assert.equal((await admin(second.url, token, 'GET', '/admin/merchants')).status, 200);
      await second.stop();

      const renewed = await startServe({ db: t.db, adminToken: null, args: ['--new-admin-token'] });
      assert.notEqual(renewed.token, token);
      assert.equal((await admin(renewed.url, token, 'GET', '/admin/merchants')).status, 401);
      assert.equal((await admin(renewed.url, renewed.token, 'GET', '/admin/merchants')).status, 200);
      await renewed.stop();

      const explicit = await startServe({ db: t.db, adminToken: 'an-explicit-operator-token-0123' });
      assert.doesNotMatch(explicit.stderr(), /operator token/);
      assert.equal((await admin(explicit.url, 'an-explicit-operator-token-0123', 'GET', '/admin/merchants')).status, 200);
      assert.equal((await admin(explicit.url, renewed.token, 'GET', '/admin/merchants')).status, 401);
      await explicit.stop();
    } finally {
      t.cleanup();
    }
  });
});
