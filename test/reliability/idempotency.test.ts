import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { allTransactions, registerMerchant, restartServe, tempDir, withStore } from './live.js';
import { type MerchantServer, startMerchantServer } from './merchant-server.js';
import { rawRequest } from './raw-http.js';

const CARD = '4111111111111111/12/2040';
const json = (body: string) => JSON.parse(body) as any;

describe('idempotency under retries, against the live service', () => {
  const { dir, cleanup } = tempDir('esipay-idem-');
  const db = join(dir, 'esipay.db');
  const serveOpts = { db, args: ['--quiet'] };
  let serve: ServeProcess;
  let merchantServer: MerchantServer;
  let merchant: string;
  /** How long the return URL takes, per cid. */
  const slow = new Map<string, number>();
  let requests = 0;

  const pay = (cid: string, amount = '25.00', timeoutMs = 10_000) => {
    requests++;
    return rawRequest(serve.url, { method: 'POST', target: `/cardpay/${merchant}/${cid}/${CARD}/${amount}`, timeoutMs });
  };
  const callbacksFor = (cid: string) => merchantServer.callbacks.filter((c) => c.fields.cid === cid).length;
  const transactionsFor = (cid: string) => withStore(db, async (s) => (await allTransactions(s, merchant)).filter((t) => t.cid === cid));
  /** Repeats the payment until it is settled (the first attempt may still wait on its return URL), bounded. */
  const payUntilSettled = async (cid: string) => {
    for (let i = 0; i < 100; i++) {
      const a = await pay(cid);
      if (!(a.status === 400 && json(a.body).error.code === 'payment_in_progress')) return a;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${cid} never settled`);
  };

  before(async () => {
    merchantServer = await startMerchantServer((cb) => ({ status: 200, delayMs: slow.get(cb.fields.cid!) ?? 0 }));
    serve = await startServe(serveOpts);
    merchant = (await registerMerchant(serve, merchantServer.url)).uuid;
  });
  after(async () => {
    console.log(`[reliability] idempotency: ${requests} payment/refund requests sent`);
    await serve.stop();
    await merchantServer.close();
    cleanup();
  });

  it('a payment retried after the client gave up waiting is charged once', async () => {
    slow.set('timeout-1', 1500);
    const first = await pay('timeout-1', '25.00', 200);
    assert.equal(first.error, 'timeout');
    const again = await pay('timeout-1');
    assert.equal(again.status, 400);
    assert.equal(json(again.body).error.code, 'payment_in_progress');
    const settled = await payUntilSettled('timeout-1');
    assert.equal(settled.status, 200);
    const txs = await transactionsFor('timeout-1');
    assert.equal(txs.length, 1);
    assert.equal(json(settled.body).id, txs[0]!.id);
    assert.equal(txs[0]!.status, 'PAID');
    assert.equal(callbacksFor('timeout-1'), 1);
  });

  it('the same payment sent 10 times at once is charged once, with one callback', async () => {
    slow.set('parallel-1', 300);
    const answers = await Promise.all(Array.from({ length: 10 }, () => pay('parallel-1')));
    const ok = answers.filter((a) => a.status === 200);
    assert.ok(ok.length >= 1, answers.map((a) => `${a.status} ${a.body}`).join('\n'));
    for (const a of answers.filter((a) => a.status !== 200)) {
      assert.equal(a.status, 400);
      assert.equal(json(a.body).error.code, 'payment_in_progress');
    }
    const ids = new Set(ok.map((a) => json(a.body).id));
    assert.equal(ids.size, 1);
    const settled = await payUntilSettled('parallel-1');
    assert.equal(json(settled.body).id, [...ids][0]);
    assert.equal((await transactionsFor('parallel-1')).length, 1);
    assert.equal(callbacksFor('parallel-1'), 1);
  });

  it('the same payment after a restart (even a SIGKILL) is recognised, not charged again', async () => {
    const first = await pay('restart-1');
    assert.equal(first.status, 200);
    await serve.stop('SIGKILL');
    serve = await restartServe(serve, serveOpts);
    const again = await pay('restart-1');
    assert.equal(again.status, 200);
    assert.equal(json(again.body).id, json(first.body).id);
    assert.equal((await transactionsFor('restart-1')).length, 1);
    assert.equal(callbacksFor('restart-1'), 1);
  });

  it('the same cid with another amount is refused and stores nothing', async () => {
    assert.equal((await pay('reuse-1', '10.00')).status, 200);
    const other = await pay('reuse-1', '11.00');
    assert.equal(other.status, 400);
    assert.equal(json(other.body).error.code, 'cid_reused');
    const txs = await transactionsFor('reuse-1');
    assert.equal(txs.length, 1);
    assert.equal(txs[0]!.amount, 1000);
  });

  it('concurrent refunds through two services on one database never exceed the payment', async () => {
    const payment = await pay('refund-race', '100.00');
    const tx = json(payment.body).id as string;
    const second = await startServe({ db, adminToken: serve.token, args: ['--quiet'] });
    try {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => {
          requests++;
          return rawRequest(i % 2 ? second.url : serve.url, { method: 'GET', target: `/cardpay/${merchant}/${tx}/30.00` });
        }),
      );
      assert.equal(answers.filter((a) => a.status === 200).length, 3, answers.map((a) => `${a.status} ${a.body}`).join('\n'));
      for (const a of answers.filter((a) => a.status !== 200)) assert.equal(json(a.body).error.code, 'amount_exceeds_remaining');
      const txs = await transactionsFor('refund-race');
      assert.equal(txs[0]?.refunded, 9000);
    } finally {
      await second.stop();
    }
  });
});
