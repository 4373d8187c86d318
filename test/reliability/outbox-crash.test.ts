import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { verifySignature } from '../../src/callback/signature.js';
import type { OutboxRecord } from '../../src/domain/types.js';
import { checkLedger } from '../../src/verify/ledger-check.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { restartServe, tempDir, withStore } from './live.js';
import { type Callback, startMerchantServer } from './merchant-server.js';
import { jsonCall } from './raw-http.js';
import { waitUntil } from '../helpers/wait-until.js';

/**
 * Outbox messages (V4 IPNs, link callbacks) survive a SIGKILL of `esipay serve`.
 *
 * The merchant's server answers 500 at first, so every message stays in the outbox and is being
 * retried when the service is killed; one delivery is in flight at the kill (the merchant holds
 * its answer), so that message is still leased to the dead process and only comes due again when
 * its lease (60 s) runs out. Then the merchant's server answers 200, the service restarts
 * on the same database, and every message arrives exactly as the merchant expects it: each IPN's
 * kr-hash verifies with the merchant secret and its kr-answer is the payment CreatePayment
 * answered; each link callback's Esipay-Signature verifies and it is the link.paid of the
 * transaction the receipt showed. Each is acknowledged (answered 200) exactly once; nothing else
 * arrives; the outbox ends all delivered and the ledger check finds nothing.
 */
const V4_PAYMENTS = 6;
const V4_DECLINED = 2;
const LINKS: { mode: 'pay_now' | 'multi_pay'; amount: string }[] = [
  { mode: 'pay_now', amount: '2500' },
  { mode: 'multi_pay', amount: '10000' },
];
// Retries every 0.2–1 s instead of 10 s doubling to an hour: the test waits for them.
const OUTBOX_ENV = { ESIPAY_OUTBOX_RETRY_BASE_MS: '200', ESIPAY_OUTBOX_RETRY_MAX_MS: '1000' };
/** A message being sent at the kill is held by its lease (60 s) before it comes due again. */
const DELIVERY_LIMIT_MS = 90_000;

type Expected = { kind: 'ipn'; key: string; answer: any } | { kind: 'link'; key: string; transaction: string; mode: string };

/** What a merchant's IPN endpoint does: kr-hash is the HMAC-SHA256 of the raw kr-answer under its secret. */
function ipnVerifies(cb: Callback, secret: string): boolean {
  const answer = cb.fields['kr-answer'] ?? '';
  const given = Buffer.from(cb.fields['kr-hash'] ?? '', 'hex');
  const expected = createHmac('sha256', secret).update(answer, 'utf8').digest();
  return cb.fields['kr-hash-algorithm'] === 'sha256_hmac' && given.length === expected.length && timingSafeEqual(given, expected);
}

/** The expected message a callback is (an IPN by its transaction uuid, a link callback by its link). */
function keyOf(cb: Callback): string | undefined {
  if (cb.path === '/ipn') {
    try {
      return `ipn:${JSON.parse(cb.fields['kr-answer'] ?? '').transactions[0].uuid}`;
    } catch {
      return undefined;
    }
  }
  if (cb.path === '/links') {
    try {
      return `link:${JSON.parse(cb.body).link}`;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

describe('crash safety of the outbox: SIGKILL while IPNs and link callbacks wait, restart, delivery', () => {
  it('delivers every V4 IPN and link callback after the restart, each acknowledged once and verifiable', { timeout: 150_000 }, async () => {
    const { dir, cleanup } = tempDir('esipay-outbox-crash-');
    const db = join(dir, 'esipay.db');
    let merchantUp = false;
    /** Every delivery the merchant got and its answer (0: held unanswered until the kill). */
    const answered: { cb: Callback; status: number }[] = [];
    const refusals = (k: string) => answered.filter((a) => a.status === 500 && keyOf(a.cb) === k).length;
    /** The message whose third delivery the merchant holds unanswered: it is being sent at the kill. */
    let holdKey: string | undefined;
    let held = false;
    const receiver = await startMerchantServer((cb) => {
      if (!merchantUp && !held && holdKey !== undefined && keyOf(cb) === holdKey && refusals(holdKey) >= 2) {
        held = true;
        answered.push({ cb, status: 0 });
        return 'hang';
      }
      const status = merchantUp ? 200 : 500;
      answered.push({ cb, status });
      return { status };
    });
    const base = new URL(receiver.url).origin;
    const serveOpts = { db, env: OUTBOX_ENV, args: ['--quiet'] };
    let serve: ServeProcess = await startServe(serveOpts);
    try {
      const reg = await jsonCall(`${serve.url}/admin/merchants`, {
        method: 'POST',
        token: serve.token,
        body: { name: 'Boutique', ip: '127.0.0.1', returnUrl: `${base}/return`, notificationUrl: `${base}/ipn`, currency: 'EUR' },
      });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      const merchant = reg.body as { uuid: string; secret: string };
      const basic = 'Basic ' + Buffer.from(`${merchant.uuid}:${merchant.secret}`).toString('base64');
      const expected = new Map<string, Expected>();

      // V4 payments (approved and declined: both are notified), as a merchant's server sends them.
      for (let i = 0; i < V4_PAYMENTS + V4_DECLINED; i++) {
        const pan = i < V4_PAYMENTS ? '4111111111111111' : '4000000000000002';
        const res = await fetch(`${serve.url}/api-payment/V4/Charge/CreatePayment`, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/json' },
          body: JSON.stringify({
            amount: 1000 + i,
            currency: 'EUR',
            orderId: `order-${i}`,
            customer: { email: 'sample@example.com' },
            useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION',
            paymentForms: [{ paymentMethodType: 'CARD', pan, expiryMonth: '12', expiryYear: '2035' }],
          }),
        });
        assert.equal(res.status, 200);
        const body = (await res.json()) as any;
        assert.equal(body.status, 'SUCCESS', JSON.stringify(body));
        assert.equal(body.answer.orderStatus, i < V4_PAYMENTS ? 'PAID' : 'UNPAID');
        const uuid = body.answer.transactions[0].uuid as string;
        expected.set(`ipn:${uuid}`, { kind: 'ipn', key: `ipn:${uuid}`, answer: body.answer });
      }

      // Payment links, paid on the hosted page as a browser posts its form.
      for (const [i, l] of LINKS.entries()) {
        const created = await fetch(`${serve.url}/get_link_payment`, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({
            beneficiary_reference: merchant.uuid.replaceAll('-', ''),
            amount: l.amount,
            payment_reference: `invoice-${i}`,
            consumer_reference: 'c-42',
            url_callback: `${base}/links`,
            consumer_email: 'consumer@example.com',
            consumer_phone_number: '0600000000',
            [l.mode]: true,
          }),
        });
        const link = (await created.json()) as any;
        assert.equal(link.result, true, JSON.stringify(link));
        const page = await fetch(link.link);
        assert.equal(page.status, 200);
        const formToken = /name="form_token" value="([^"]+)"/.exec(await page.text())?.[1];
        assert.ok(formToken, 'the page carries its form token');
        const paid = await fetch(link.link, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: serve.url },
          body: new URLSearchParams({
            form_token: formToken.replaceAll('&amp;', '&'),
            number: '4111 1111 1111 1111',
            expiry: '12/40',
          }).toString(),
        });
        const receipt = await paid.text();
        assert.equal(paid.status, 200, receipt.slice(0, 500));
        const transaction = /data-testid="transaction">([0-9a-f]{32})</.exec(receipt)?.[1];
        assert.ok(transaction, 'the receipt shows the transaction');
        // The callback is keyed by the link's id, which the receipt does not show: the store knows it.
        const linkId = await withStore(
          db,
          async (s) =>
            (await s.listLinks({ merchantId: merchant.uuid, limit: 100 })).find((x) => x.paymentReference === `invoice-${i}`)!.id,
        );
        expected.set(`link:${linkId}`, { kind: 'link', key: `link:${linkId}`, transaction, mode: l.mode });
      }

      // The kill comes once each message was refused (500) twice, so it is being retried from the
      // outbox, and while the last link callback's third delivery is in flight (held by the merchant).
      holdKey = [...expected.keys()].at(-1)!;
      await waitUntil(
        'every message refused twice, one delivery in flight',
        30_000,
        () => held && [...expected.keys()].every((k) => refusals(k) >= 2),
      );
      const killedAt = Date.now();
      const exit = await serve.stop('SIGKILL');
      assert.equal(exit.signal, 'SIGKILL');
      const failedBeforeKill = answered.filter((a) => a.status === 500).length;
      assert.ok(
        answered.every((a) => a.status !== 200),
        'nothing was acknowledged before the kill',
      );

      const atKill = await withStore(db, (s) => s.listOutbox({ merchantId: merchant.uuid, limit: 1000 }));
      assert.equal(atKill.length, expected.size, 'one outbox message per IPN and link callback');
      assert.ok(atKill.every((m) => m.deliveredAt === null && m.attempts >= 1));
      // A message whose next attempt is further than the longest back-off was being sent (leased) at the kill.
      const leased = atKill.filter((m) => Date.parse(m.nextAttemptAt) > killedAt + Number(OUTBOX_ENV.ESIPAY_OUTBOX_RETRY_MAX_MS) + 500);
      const heldMessage = atKill.find((m) => keyOf({ path: '/links', body: m.body, fields: {}, headers: {} }) === holdKey);
      assert.ok(heldMessage && leased.includes(heldMessage), 'the message in flight at the kill is held by its lease');

      merchantUp = true;
      const restartedAt = Date.now();
      serve = await restartServe(serve, serveOpts);
      const acknowledged = () => answered.filter((a) => a.status === 200);
      const restartMs = Date.now() - restartedAt;
      const ackedKey = (k: string) => acknowledged().some((a) => keyOf(a.cb) === k);
      await waitUntil('every message not in flight at the kill acknowledged', DELIVERY_LIMIT_MS, () =>
        [...expected.keys()].every((k) => k === holdKey || ackedKey(k)),
      );
      const othersMs = Date.now() - restartedAt;
      await waitUntil('every message acknowledged after the restart', DELIVERY_LIMIT_MS, () => [...expected.keys()].every(ackedKey));
      const deliveredMs = Date.now() - restartedAt;
      // The outbox records every delivery (the 200 and its record are not atomic: wait for the record).
      await waitUntil('the outbox records every delivery', 10_000, async () =>
        (await withStore(db, (s) => s.listOutbox({ merchantId: merchant.uuid, limit: 1000 }))).every((m) => m.deliveredAt !== null),
      );
      await serve.stop();

      // Exactly as the merchant expects: each message once, verifiable, the right content.
      assert.deepEqual(
        answered.filter((a) => keyOf(a.cb) === undefined).map((a) => a.cb.path),
        [],
        'nothing unexpected arrived',
      );
      const acks = acknowledged();
      assert.deepEqual(acks.map((a) => keyOf(a.cb)).sort(), [...expected.keys()].sort(), 'each message acknowledged exactly once');
      for (const a of acks) {
        const e = expected.get(keyOf(a.cb)!)!;
        if (e.kind === 'ipn') {
          assert.ok(ipnVerifies(a.cb, merchant.secret), `${e.key}: kr-hash verifies with the merchant secret`);
          assert.ok(!ipnVerifies(a.cb, 'not-the-secret'));
          assert.deepEqual(JSON.parse(a.cb.fields['kr-answer']!), e.answer, `${e.key}: kr-answer is what CreatePayment answered`);
        } else {
          const verified = verifySignature(a.cb.body, a.cb.headers['esipay-signature'] as string, [merchant.secret]);
          assert.equal(verified.ok, true, `${e.key}: ${JSON.stringify(verified)}`);
          assert.equal(verifySignature(a.cb.body, a.cb.headers['esipay-signature'] as string, ['not-the-secret']).ok, false);
          const body = JSON.parse(a.cb.body);
          assert.equal(body.event, 'link.paid');
          assert.equal(body.transaction.id, e.transaction, `${e.key}: the transaction the receipt showed`);
          assert.equal(body.mode, e.mode);
          assert.equal(body.schedule.length, e.mode === 'multi_pay' ? 3 : 1);
        }
      }
      assert.equal(answered.filter((a) => a.status === 0).length, 1);
      // A retry is the same message: what the merchant got before the kill is what it acknowledged after.
      for (const a of answered) assert.equal(a.cb.body, acks.find((x) => keyOf(x.cb) === keyOf(a.cb))!.cb.body);

      const final: OutboxRecord[] = await withStore(db, (s) => s.listOutbox({ merchantId: merchant.uuid, limit: 1000 }));
      assert.ok(
        final.every((m) => m.deliveredAt !== null),
        'the outbox ends all delivered',
      );
      const ledger = await withStore(db, (s) => checkLedger(s));
      assert.deepEqual(ledger.violations, []);
      console.log(
        `[reliability] outbox crash: ${expected.size} messages (${V4_PAYMENTS + V4_DECLINED} V4 IPNs, ${LINKS.length} link callbacks), ` +
          `${failedBeforeKill} deliveries refused (500) before the SIGKILL, ${leased.length} being sent at the kill (held by their lease), ` +
          `restart ready in ${restartMs} ms, the ${expected.size - 1} others acknowledged ${othersMs} ms after the restart began, the one in flight ${deliveredMs} ms (its lease), each once, ` +
          `${ledger.violations.length} ledger violations`,
      );
    } finally {
      await serve.stop('SIGKILL').catch(() => undefined);
      await receiver.close();
      cleanup();
    }
  });
});
