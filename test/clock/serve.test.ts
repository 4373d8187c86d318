import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempHome } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { waitUntil } from '../helpers/wait-until.js';
import { initialRequest } from '../v4/service.js';

/**
 * The test clock on a running `esipay serve`, moved without a restart: by the CLI on the same
 * database (another process: the service sees it within its refresh) and through the service's
 * operator API (the remote engine). Each worker that depends on time runs at once after a move:
 * the waits below are shorter than the workers' own periods (debits 60 s, sweep 15 s), so only
 * the wake-up after the move can satisfy them. The outbox polls every second anyway: its retry,
 * an hour away, shows that the back-off follows the clock.
 */
describe('the test clock moves a running esipay serve', () => {
  let home: ReturnType<typeof tempHome>;
  let db: string;
  let serve: ServeProcess;
  let merchant: { uuid: string; secret: string };
  const receivers: Receiver[] = [];
  /** Within the workers' periods (see above): a wake-up is near-instant, a tick would come too late. */
  const WOKEN_WITHIN_MS = 10_000;

  before(async () => {
    home = tempHome();
    db = join(home.home, 'esipay.db');
    // A retry an hour after a failed delivery: only a move of the clock brings it sooner.
    serve = await startServe({ db, env: { ESIPAY_OUTBOX_RETRY_BASE_MS: '3600000', ESIPAY_OUTBOX_RETRY_MAX_MS: '3600000' } });
    merchant = await admin('POST', '/admin/merchants', { name: 'Boutique', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:9/r' });
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await serve?.stop();
    home?.cleanup();
  });

  async function admin(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${serve.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = await res.json();
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  const basic = () => `Basic ${Buffer.from(`${merchant.uuid}:${merchant.secret}`).toString('base64')}`;
  async function v4(service: string, body: unknown): Promise<any> {
    const res = await fetch(`${serve.url}/api-payment/V4/${service}`, {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return res.json();
  }

  /** The CLI on the service's database, in this process's own home (another process than the service). */
  const local = (...args: string[]) => runCli(['--db', db, ...args], { home: home.home });
  /** The CLI through the service (remote engine: the operator API). */
  const remote = (...args: string[]) =>
    runCli(['--engine', 'remote', '--url', serve.url, '--token', serve.token, ...args], { home: home.home });

  /** A link created with get_link_payment and paid on its page as a browser posts the form. */
  async function paidLink(fields: Record<string, unknown>): Promise<string> {
    const reference = `invoice-${Math.random().toString(36).slice(2)}`;
    const created = await fetch(`${serve.url}/get_link_payment`, {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        beneficiary_reference: merchant.uuid.replaceAll('-', ''),
        amount: '30000',
        payment_reference: reference,
        consumer_reference: 'c-42',
        url_callback: 'http://127.0.0.1:9/links',
        consumer_email: 'consumer@example.com',
        consumer_phone_number: '0600000000',
        ...fields,
      }),
    });
    const link = (await created.json()) as { result: boolean; link: string };
    assert.equal(link.result, true, JSON.stringify(link));
    const formToken = /name="form_token" value="([^"]+)"/.exec(await (await fetch(link.link)).text())?.[1];
    assert.ok(formToken, 'the page carries its form token');
    const paid = await fetch(link.link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: serve.url },
      body: new URLSearchParams({ form_token: formToken.replaceAll('&amp;', '&'), number: '4111111111111111', expiry: '12/40' }).toString(),
    });
    assert.equal(paid.status, 200, (await paid.text()).slice(0, 300));
    const links = await admin('GET', `/admin/merchants/${merchant.uuid}/links?limit=100`);
    return links.items.find((l: { paymentReference: string }) => l.paymentReference === reference).id as string;
  }

  const schedule = async (id: string): Promise<string[]> =>
    ((await admin('GET', `/admin/links/${id}`)).schedule as { status: string }[]).map((d) => d.status);

  it('advance 181d with the CLI on its database: the initial reads EXPIRED and its shipment is refused (PSP_229)', async () => {
    const created = await v4('Charge/CreatePayment', initialRequest());
    const uuid = created.answer.transactions[0].uuid as string;
    assert.equal((await v4('Transaction/Get', { uuid })).answer.detailedStatus, 'ACCEPTED');

    const moved = await local('clock', 'advance', '181d', '--json');
    assert.equal(moved.code, 0, moved.stderr);
    assert.equal(moved.json().offset, '+181d');
    // Another process moved it: the service reads the move on its next refresh, without a restart.
    await waitUntil(
      'the service reads the move',
      5_000,
      async () => (await v4('Transaction/Get', { uuid })).answer.detailedStatus === 'EXPIRED',
    );
    const shipment = await v4('Charge/CreateShipmentTransaction', { amount: 3500, uuid });
    assert.equal(shipment.status, 'ERROR');
    assert.equal(shipment.answer.errorCode, 'PSP_229');
    assert.match(shipment.answer.detailedErrorMessage, /expired/);

    const shown = await remote('clock', 'show');
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /database time: .* \(\+181d from real time\)/);
  });

  it("advance 31d through the service: its worker debits a multi_pay link's next instalment at once", async () => {
    const id = await paidLink({ multi_pay: true, payment_scenario: '3x' });
    assert.deepEqual(await schedule(id), ['paid', 'scheduled', 'scheduled']);
    const moved = await remote('clock', 'advance', '31d');
    assert.equal(moved.code, 0, moved.stderr);
    assert.match(moved.stdout, /clock moved from .* to /);
    await waitUntil('the second instalment debited', WOKEN_WITHIN_MS, async () => (await schedule(id))[1] === 'paid');
    assert.deepEqual(await schedule(id), ['paid', 'paid', 'scheduled'], 'the third is a month later still');
  });

  it("advance 31d with the CLI on its database: the service's worker takes a pay_later debit", async () => {
    const id = await paidLink({ pay_later: true });
    assert.deepEqual(await schedule(id), ['scheduled']);
    const moved = await local('clock', 'advance', '31d');
    assert.equal(moved.code, 0, moved.stderr);
    await waitUntil('the deferred debit taken', WOKEN_WITHIN_MS, async () => (await schedule(id))[0] === 'paid');
  });

  it('a retry an hour away is sent as soon as the clock passes it', async () => {
    const receiver = await startReceiver(500);
    receivers.push(receiver);
    await admin('PATCH', `/admin/merchants/${merchant.uuid}`, { notificationUrl: `${receiver.url}/ipn` });
    await v4('Charge/CreatePayment', initialRequest({ orderId: 'retried-ipn' }));
    await receiver.waitFor(1);
    receiver.behaviour = 200;
    await admin('POST', '/admin/clock/advance', { duration: '61m' });
    await waitUntil('the IPN sent again', WOKEN_WITHIN_MS, () => receiver.received.length >= 2);
    assert.equal(receiver.received[1]!.body, receiver.received[0]!.body, 'the same IPN');
  });

  it('a payment waiting past its deadline is cancelled by the sweep as soon as the clock passes it', async () => {
    const receiver = await startReceiver('hang');
    receivers.push(receiver);
    const m = await admin('POST', '/admin/merchants', { name: 'Slow', ip: '127.0.0.1', returnUrl: `${receiver.url}/paid` });
    // The return URL never answers: the payment stays PENDING until its callback timeout (10 s).
    const paying = fetch(`${serve.url}/cardpay/${m.uuid}/slow-1/4111111111111111/12/2035/12.00`, { method: 'POST' }).catch(() => undefined);
    await receiver.waitFor(1);
    const pending = async () => (await admin('GET', `/admin/merchants/${m.uuid}/transactions`)).items[0].status as string;
    assert.equal(await pending(), 'PENDING');
    await remote('clock', 'advance', '1h');
    await waitUntil('the abandoned payment cancelled', 5_000, async () => (await pending()) === 'CANCELLED');
    await receiver.close();
    await paying;
  });

  it('db mode live on its database: V4 answers say PRODUCTION, and every move is refused (live_database, exit 2)', async () => {
    const status = async () => (await local('db', 'status', '--json')).json().mode as string;
    assert.equal(await status(), 'test');
    assert.equal((await v4('Transaction/Get', { uuid: 'f'.repeat(32) })).mode, 'TEST');
    const reset = await local('clock', 'reset', '--force');
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stderr, /warning: the clock went back/);
    const live = await local('db', 'mode', 'live');
    assert.equal(live.code, 0, live.stderr);
    assert.match(live.stdout, /mode changed from test to live/);
    assert.equal(await status(), 'live');
    await waitUntil(
      'the service reads the mode',
      5_000,
      async () => (await v4('Transaction/Get', { uuid: 'f'.repeat(32) })).mode === 'PRODUCTION',
    );
    const created = await v4('Charge/CreatePayment', initialRequest({ orderId: 'live-order' }));
    assert.equal(created.mode, 'PRODUCTION');
    assert.equal(created.answer.orderDetails.mode, 'PRODUCTION');

    for (const cli of [local, remote]) {
      const refused = await cli('clock', 'advance', '1d', '--json');
      assert.equal(refused.code, 2, refused.stderr);
      assert.equal(refused.json().error.code, 'live_database');
      assert.match(refused.stderr, /this database is live/);
    }
    const http = await fetch(`${serve.url}/admin/clock/set`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ time: '2099-01-01T00:00:00Z' }),
    });
    assert.equal(http.status, 409);
    assert.equal(((await http.json()) as any).error.code, 'live_database');
    assert.equal((await admin('GET', '/admin/clock')).offsetMs, 0);

    const back = await remote('db', 'mode', 'test', '--json');
    assert.equal(back.code, 2);
    assert.equal(back.json().error.code, 'live_database');
    assert.deepEqual(await admin('POST', '/admin/mode', { mode: 'test', force: true }), {
      mode: 'test',
      previous: 'live',
      warning: 'this database is a test database again: its clock can be moved',
    });
  });
});
