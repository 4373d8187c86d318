import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { runCli, tempHome } from '../helpers/cli.js';
import { waitForHealthy } from '../helpers/healthy.js';
import { type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { registerMerchant, withStore } from './live.js';
import { jsonCall } from './raw-http.js';

/**
 * A PostgreSQL that stops answering without closing its connections (SIGSTOP of the server and
 * its backends: a hung host, a partition that drops packets, a backend a crash left behind). Each
 * query has a deadline (ESIPAY_PG_QUERY_TIMEOUT_MS): every request is answered unavailable instead
 * of waiting for ever, serve lives on, and once the server answers again it serves by itself. A
 * payment answered unavailable takes no money: it is never PAID and its merchant is never told.
 */

const YEAR = new Date().getUTCFullYear() + 2;
const QUERY_TIMEOUT_MS = 1500;

describe('PostgreSQL frozen under esipay serve', () => {
  let cluster: PgCluster;
  let receiver: Receiver;
  let serve: ServeProcess;
  let merchant: { uuid: string; secret: string };
  const home = tempHome();
  const env = {
    ESIPAY_CARD_KEY: randomBytes(32).toString('hex'),
    ESIPAY_PG_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
    ESIPAY_PG_CONNECT_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
  };

  before(async () => {
    cluster = await startPgCluster({ standby: false });
    receiver = await startReceiver(200);
    serve = await startServe({ db: cluster.url, env, args: ['--quiet'] });
    merchant = await registerMerchant(serve, `${receiver.url}/paid`, 'Frozen shop');
  });
  after(async () => {
    await cluster?.thaw('primary').catch(() => undefined);
    const exit = await serve?.stop();
    await receiver?.close();
    await cluster?.stop();
    home.cleanup();
    assert.equal(exit?.code, 0, `esipay serve did not stop cleanly:\n${serve?.stderr()}`);
  });

  const pay = (cid: string) => jsonCall(`${serve.url}/cardpay/${merchant.uuid}/${cid}/4111111111111111/12/${YEAR}/5.00`);
  const refund = (tx: string) => jsonCall(`${serve.url}/cardpay/${merchant.uuid}/${tx}/1.25`);

  test('while it answers nothing every request is answered unavailable, serve lives on, and it serves again by itself once it answers', async (t) => {
    const paid = await pay('before-freeze');
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    const callbacksBefore = receiver.received.length;

    await cluster.freeze('primary');
    const ms: Record<string, number> = {};
    for (const [label, call] of [
      ['v2 payment', () => pay('while-frozen')],
      ['v2 refund', () => refund(paid.body.id)],
      ['/healthz', () => jsonCall(`${serve.url}/healthz`)],
    ] as const) {
      const started = performance.now();
      const r = await call();
      ms[label] = Math.round(performance.now() - started);
      if (label === '/healthz') {
        assert.equal(r.status, 503, JSON.stringify(r.body));
        continue;
      }
      assert.equal(r.status, 500, `${label}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.kind, 'unavailable', label);
      assert.equal(r.body.error.code, 'store_unavailable', label);
      assert.match(r.body.error.message, /PostgreSQL is unavailable: (no answer within 1500 ms|.*timeout)/i, label);
    }
    t.diagnostic(`answers while PostgreSQL is frozen (ms): ${JSON.stringify(ms)}`);
    assert.equal(serve.child.exitCode, null, `esipay serve exited:\n${serve.stderr()}`);
    assert.doesNotMatch(serve.stderr(), /Unhandled 'error' event|uncaught|"code":"internal"/i);

    await cluster.thaw('primary');
    await waitForHealthy(serve.url);
    const again = await pay('after-thaw');
    assert.equal(again.status, 200, JSON.stringify(again.body));
    const refunded = await refund(paid.body.id);
    assert.equal(refunded.status, 200, JSON.stringify(refunded.body));

    // The payment answered unavailable took no money: its statement may still have run once the
    // server woke (it was in the socket), but only as far as PENDING, which the sweep cancels.
    await withStore(cluster.url, async (store) => {
      const rows = await store.listTransactions({ merchantId: merchant.uuid, cid: 'while-frozen', limit: 10 });
      for (const row of rows) assert.notEqual(row.status, 'PAID', JSON.stringify(row));
      assert.equal((await store.listRefunds(paid.body.id)).length, 1);
    });
    assert.equal(receiver.received.length, callbacksBefore + 1, 'only after-thaw told its merchant');
    const verify = await runCli(['verify', '--db', cluster.url], { home: home.home });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });
});
