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
 * Issue 14: losing the database never kills `serve`. A PostgreSQL of the test's own (not the
 * shared one) is stopped under a running `esipay serve` (pg_ctl stop -m fast) and started again.
 * While it is down every way in answers at once and says unavailable, each in its own form; the
 * instance lives on, comes back by itself once PostgreSQL does, and what it acknowledged before
 * is all there.
 */

const YEAR = new Date().getUTCFullYear() + 2;

describe('PostgreSQL stopped and started again under esipay serve', () => {
  let cluster: PgCluster;
  let receiver: Receiver;
  let serve: ServeProcess;
  let merchant: { uuid: string; secret: string };
  const home = tempHome();
  const env = { ESIPAY_CARD_KEY: randomBytes(32).toString('hex') };

  before(async () => {
    cluster = await startPgCluster({ standby: false });
    receiver = await startReceiver(200);
    serve = await startServe({ db: cluster.url, env, args: ['--quiet'] });
    merchant = await registerMerchant(serve, `${receiver.url}/paid`, 'Restart shop');
  });
  after(async () => {
    const exit = await serve?.stop();
    await receiver?.close();
    await cluster?.stop();
    home.cleanup();
    assert.equal(exit?.code, 0, `esipay serve did not stop cleanly:\n${serve?.stderr()}`);
  });

  const admin = (path: string) => jsonCall(`${serve.url}${path}`, { token: serve.token });
  const pay = (cid: string) => jsonCall(`${serve.url}/cardpay/${merchant.uuid}/${cid}/4111111111111111/12/${YEAR}/5.00`);
  const refund = (tx: string) => jsonCall(`${serve.url}/cardpay/${merchant.uuid}/${tx}/1.25`);
  const v4Pay = async (orderId: string) => {
    const res = await fetch(`${serve.url}/api-payment/V4/Charge/CreatePayment`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Basic ' + Buffer.from(`${merchant.uuid}:${merchant.secret}`).toString('base64'),
      },
      body: JSON.stringify({
        amount: 700,
        currency: 'EUR',
        orderId,
        customer: { email: 'sample@example.com' },
        useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION',
        paymentForms: [{ paymentMethodType: 'CARD', pan: '4111111111111111', expiryMonth: '12', expiryYear: String(YEAR) }],
      }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const cli = (args: string[]) => runCli(args, { home: home.home });

  test('while it is down every request is answered unavailable at once, serve lives on, and it serves again by itself once PostgreSQL is back, with every write it acknowledged', async (t) => {
    const paid = await pay('before-stop');
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    const refunded = await refund(paid.body.id);
    assert.equal(refunded.status, 200, JSON.stringify(refunded.body));
    const v4 = await v4Pay('before-stop-v4');
    assert.equal(v4.body.status, 'SUCCESS', JSON.stringify(v4.body));
    const v4Id = v4.body.answer.transactions[0].uuid as string;

    await cluster.stopNode('primary', 'fast');

    const ms: Record<string, number> = {};
    const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await fn();
      } finally {
        ms[label] = Math.round(performance.now() - started);
      }
    };
    const health = await timed('/healthz', () => jsonCall(`${serve.url}/healthz`));
    assert.equal(health.status, 503, JSON.stringify(health.body));
    assert.equal(health.body.status, 'unavailable');

    const operator = await timed('operator API', () => admin(`/admin/transactions/${paid.body.id}`));
    assert.equal(operator.status, 503, JSON.stringify(operator.body));
    assert.equal(operator.body.error.kind, 'unavailable');
    assert.equal(operator.body.error.code, 'store_unavailable');

    for (const [label, call] of [
      ['v2 payment', () => pay('while-down')],
      ['v2 refund', () => refund(paid.body.id)],
    ] as const) {
      const r = await timed(label, call);
      // The seed's status for a service-side error, with what it is.
      assert.equal(r.status, 500, `${label}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.kind, 'unavailable', label);
      assert.equal(r.body.error.code, 'store_unavailable', label);
      assert.match(r.body.error.message, /PostgreSQL is unavailable: \S/, label);
    }

    const v4Down = await timed('V4 CreatePayment', () => v4Pay('while-down-v4'));
    assert.equal(v4Down.body.status, 'ERROR', JSON.stringify(v4Down.body));
    assert.equal(v4Down.body.answer.errorCode, 'ESI_503', JSON.stringify(v4Down.body));

    const local = await timed('CLI --db', () => cli(['merchant', 'list', '--db', cluster.url]));
    assert.equal(local.code, 5, local.stderr);
    assert.match(local.stderr, /unavailable|cannot open the database/i);
    const remote = await timed('CLI --engine remote', () =>
      runCli(['--engine', 'remote', '--url', serve.url, 'merchant', 'list'], { home: home.home, env: { ESIPAY_TOKEN: serve.token } }),
    );
    assert.equal(remote.code, 5, remote.stderr);
    t.diagnostic(`answers while PostgreSQL is down (ms): ${JSON.stringify(ms)}`);

    assert.equal(serve.child.exitCode, null, `esipay serve exited:\n${serve.stderr()}`);
    assert.doesNotMatch(serve.stderr(), /Unhandled 'error' event|uncaught|"code":"internal"/i);

    await cluster.startNode('primary');
    // Back by itself: no restart of serve, only new connections.
    const back = performance.now();
    await waitForHealthy(serve.url);
    t.diagnostic(`/healthz answered 200 ${Math.round(performance.now() - back)} ms after PostgreSQL accepted connections again`);

    const seen = await admin(`/admin/transactions/${paid.body.id}`);
    assert.equal(seen.status, 200, JSON.stringify(seen.body));
    assert.equal(seen.body.status, 'PARTIALLY_REFUNDED');
    assert.equal(seen.body.refunded, 125);
    assert.equal((await admin(`/admin/transactions/${v4Id}`)).status, 200);
    const again = await pay('after-start');
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal((await v4Pay('after-start-v4')).body.status, 'SUCCESS');
    assert.equal((await cli(['merchant', 'list', '--db', cluster.url])).code, 0);

    // Nothing the instance answered while the database was down was recorded.
    await withStore(cluster.url, async (store) => {
      assert.deepEqual(await store.listTransactions({ merchantId: merchant.uuid, cid: 'while-down', limit: 10 }), []);
      assert.equal((await store.listRefunds(paid.body.id)).length, 1);
    });
    const verify = await cli(['verify', '--db', cluster.url]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });
});
