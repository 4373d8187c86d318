import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { initialRequest, startV4Service, type V4Service } from '../v4/service.js';
import { registerMerchant, tempDir, withStore } from './live.js';
import { type MerchantServer, startMerchantServer } from './merchant-server.js';
import { rawRequest } from './raw-http.js';

const CARD = '4111111111111111/12/2040';
const json = (body: string) => JSON.parse(body) as any;

/**
 * Refunds retried under an Idempotency-Key, as a merchant's server, an operator's script and a
 * CLI user send them to a live `esipay serve` (SQLite; two instances on one database for the
 * concurrent case): the key's first refund answers every retry, and money moves once.
 */
describe('refund idempotency keys against the live service', () => {
  const { dir, cleanup } = tempDir('esipay-refund-keys-');
  const db = join(dir, 'esipay.db');
  let serve: ServeProcess;
  let merchantServer: MerchantServer;
  let merchant: string;
  let seq = 0;

  const v2 = (target: string, key?: string, base = serve.url) =>
    rawRequest(base, { method: ++seq % 2 ? 'GET' : 'POST', target, ...(key !== undefined ? { headers: { 'idempotency-key': key } } : {}) });
  const pay = async (amount = '100.00'): Promise<string> => {
    const a = await v2(`/cardpay/${merchant}/order-${++seq}/${CARD}/${amount}`);
    assert.equal(a.status, 200, a.body);
    return json(a.body).id;
  };
  const admin = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${serve.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const refundsOf = (tx: string) => withStore(db, (s) => s.listRefunds(tx));

  before(async () => {
    merchantServer = await startMerchantServer(() => ({ status: 200 }));
    serve = await startServe({ db, args: ['--quiet'] });
    merchant = (await registerMerchant(serve, merchantServer.url)).uuid;
  });
  after(async () => {
    await serve.stop();
    await merchantServer.close();
    cleanup();
  });

  it('v2: the same key answers the first refund with 200; another amount or transaction is 400 idempotency_key_reused', async () => {
    const tx = await pay();
    const first = await v2(`/cardpay/${merchant}/${tx}/10.00`, 'v2-key-1');
    assert.equal(first.status, 200, first.body);
    const refund = json(first.body).refund;
    assert.equal(refund.amount, 1000);
    assert.equal(json(first.body).replayed, undefined);

    for (const target of [`/cardpay/${merchant}/${tx}/10.00`, `/cardpay/${merchant}/${tx}/10`]) {
      const again = await v2(target, 'v2-key-1');
      assert.equal(again.status, 200, again.body);
      assert.deepEqual(json(again.body).refund, refund);
      assert.equal(json(again.body).replayed, true);
    }
    const other = await pay();
    for (const target of [`/cardpay/${merchant}/${tx}/11.00`, `/cardpay/${merchant}/${tx}`, `/cardpay/${merchant}/${other}/10.00`]) {
      const reused = await v2(target, 'v2-key-1');
      assert.equal(reused.status, 400, reused.body);
      assert.equal(json(reused.body).error.code, 'idempotency_key_reused');
      assert.equal(json(reused.body).error.kind, 'conflict');
    }
    for (const bad of ['has space', '', 'x'.repeat(129)]) {
      const refused = await v2(`/cardpay/${merchant}/${other}/1.00`, bad);
      assert.equal(refused.status, 400, refused.body);
      assert.equal(json(refused.body).error.code, 'invalid_idempotency_key');
    }
    assert.deepEqual(
      (await refundsOf(tx)).map((r) => [r.id, r.amount]),
      [[refund.id, 1000]],
    );
    assert.deepEqual(await refundsOf(other), []);
  });

  it('v2: 20 requests with one key at once, through two services on one database, refund once', async () => {
    const tx = await pay();
    const second = await startServe({ db, adminToken: serve.token, args: ['--quiet'] });
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => v2(`/cardpay/${merchant}/${tx}/10.00`, 'v2-race', i % 2 ? second.url : serve.url)),
      );
      for (const a of answers) assert.equal(a.status, 200, a.body);
      assert.equal(new Set(answers.map((a) => json(a.body).refund.id)).size, 1);
      assert.equal(answers.filter((a) => json(a.body).replayed === undefined).length, 1);
      const refunds = await refundsOf(tx);
      assert.equal(refunds.length, 1);
      assert.equal(refunds[0]!.amount, 1000);
    } finally {
      await second.stop();
    }
  });

  it('operator API: the Idempotency-Key header or idempotencyKey field answers the first refund (201); reused is 409', async () => {
    const tx = await pay();
    const path = `/admin/transactions/${tx}/refunds`;
    const first = await admin('POST', path, { amount: '25.00' }, { 'idempotency-key': 'admin-key-1' });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    for (const [body, headers] of [
      [{ amount: '25.00' }, { 'idempotency-key': 'admin-key-1' }],
      [{ amount: '25.00', idempotencyKey: 'admin-key-1' }, {}],
      [{ amount: '25.00', idempotencyKey: 'admin-key-1' }, { 'idempotency-key': 'admin-key-1' }],
    ] as const) {
      const again = await admin('POST', path, body, headers);
      assert.equal(again.status, 201, JSON.stringify(again.body));
      assert.deepEqual(again.body.refund, first.body.refund);
      assert.equal(again.body.replayed, true);
    }
    const reused = await admin('POST', path, { amount: '26.00' }, { 'idempotency-key': 'admin-key-1' });
    assert.equal(reused.status, 409);
    assert.equal(reused.body.error.code, 'idempotency_key_reused');
    const differ = await admin('POST', path, { amount: '25.00', idempotencyKey: 'admin-key-2' }, { 'idempotency-key': 'admin-key-1' });
    assert.equal(differ.status, 400);
    assert.equal(differ.body.error.code, 'invalid_idempotency_key');
    assert.equal((await refundsOf(tx)).length, 1);
  });

  it('operator API: shipments take the same header, with the same replay', async () => {
    const init = await admin(
      'POST',
      '/admin/initials',
      { merchant, amount: '74.12', orderId: 'keys-order', card: { number: '4111111111111111', month: '12', year: '2040' } },
      { 'idempotency-key': 'init-key-1' },
    );
    assert.equal(init.status, 201, JSON.stringify(init.body));
    const again = await admin(
      'POST',
      '/admin/initials',
      { merchant, amount: '74.12', orderId: 'keys-order', card: { number: '4111111111111111', month: '12', year: '2040' } },
      { 'idempotency-key': 'init-key-1' },
    );
    assert.equal(again.body.id, init.body.id);
    const ship = () =>
      admin('POST', '/admin/shipments', { merchant, initial: init.body.id, amount: '35.00' }, { 'idempotency-key': 'ship-key-1' });
    const first = await ship();
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal((await ship()).body.id, first.body.id);
    const detail = await admin('GET', `/admin/transactions/${init.body.id}`);
    assert.equal(detail.body.shipped, 3500);
    assert.equal(detail.body.shipments.length, 1);
  });

  it('esipay refund --idempotency-key, run twice (local and remote engine): one refund, exit 0 both times', async () => {
    for (const engine of ['local', 'remote'] as const) {
      const tx = await pay();
      const args = engine === 'local' ? ['--db', db] : ['--engine', 'remote', '--url', serve.url, '--token', serve.token];
      const run = (amount: string, ...extra: string[]) =>
        runCli([...args, 'refund', tx, amount, '--idempotency-key', `cli-${engine}`, ...extra], { home: dir });

      const first = await run('10.00');
      assert.equal(first.code, 0, first.stderr);
      const id = /\(refund ([0-9a-f]{32})\)/.exec(first.stdout)?.[1];
      assert.ok(id, first.stdout);
      assert.match(first.stdout, /^Refunded 10\.00 EUR/);
      const second = await run('10.00');
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, new RegExp(`^Already refunded 10\\.00 EUR under this idempotency key: refund ${id} is the first refund`));
      const asJson = await run('10.00', '--json');
      assert.equal(asJson.code, 0, asJson.stderr);
      assert.equal(asJson.json().refund.id, id);
      assert.equal(asJson.json().replayed, true);

      const reused = await run('11.00');
      assert.equal(reused.code, 2);
      assert.match(reused.stderr, /idempotency key was already used for another refund/);
      assert.deepEqual(
        (await refundsOf(tx)).map((r) => [r.id, r.amount]),
        [[id, 1000]],
      );
    }
  });
});

describe('refund idempotency keys on the V4 API', () => {
  let svc: V4Service;
  before(async () => {
    svc = await startV4Service();
  });
  after(() => svc.close());

  it('Transaction/Refund under an Idempotency-Key answers the first CREDIT again; another amount is ESI_014', async () => {
    const init = await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'v4-refund-keys' }));
    const ship = await svc.call('Charge/CreateShipmentTransaction', { amount: 3500, uuid: init.answer.transactions[0].uuid });
    const refund = (amount: number, headers: Record<string, string> = { 'idempotency-key': 'v4-refund-1' }, body = {}) =>
      svc.call('Transaction/Refund', { uuid: ship.answer.uuid, amount, ...body }, { headers });
    const first = await refund(1000);
    assert.equal(first.body.status, 'SUCCESS', JSON.stringify(first.answer));
    const again = await refund(1000);
    assert.equal(again.answer.uuid, first.answer.uuid);
    const viaBody = await refund(1000, {}, { idempotencyKey: 'v4-refund-1' });
    assert.equal(viaBody.answer.uuid, first.answer.uuid);
    const reused = await refund(1100);
    assert.equal(reused.answer.errorCode, 'ESI_014');
    assert.equal(reused.answer.detailedErrorCode, 'idempotency_key_reused');
    const malformed = await refund(1000, { 'idempotency-key': 'has space' });
    assert.equal(malformed.answer.errorCode, 'ESI_013');
    const got = await svc.call('Transaction/Get', { uuid: ship.answer.uuid });
    assert.equal(got.answer.transactionDetails.refundedAmount, 1000);
  });
});
