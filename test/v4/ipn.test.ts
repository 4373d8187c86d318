import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { after, describe, it } from 'node:test';
import { closedUrl, startReceiver, type Received } from '../helpers/receiver.js';
import { initialRequest, startV4Service, type V4Service } from './service.js';
import { waitUntil } from '../helpers/wait-until.js';

// Retries come back within a fraction of a second here (production waits 10 s, then doubling).
process.env.ESIPAY_OUTBOX_RETRY_BASE_MS = '100';
process.env.ESIPAY_OUTBOX_RETRY_MAX_MS = '400';

/** What a merchant's IPN endpoint does: recompute kr-hash over the raw kr-answer with its secret. */
function verifyIpn(received: Received, secret: string): any {
  const f = received.fields;
  assert.equal(received.method, 'POST');
  assert.match(String(received.headers['content-type']), /application\/x-www-form-urlencoded/);
  assert.equal(f['kr-hash-algorithm'], 'sha256_hmac');
  assert.equal(f['kr-hash-key'], 'password');
  assert.equal(f['kr-answer-type'], 'V4/Payment');
  const expected = createHmac('sha256', secret).update(f['kr-answer']!, 'utf8').digest();
  const given = Buffer.from(f['kr-hash'] ?? '', 'hex');
  assert.ok(given.length === expected.length && timingSafeEqual(given, expected), 'kr-hash verifies with the merchant secret');
  const forged = createHmac('sha256', 'whsec_not_the_secret').update(f['kr-answer']!, 'utf8').digest();
  assert.ok(!timingSafeEqual(given, forged));
  return JSON.parse(f['kr-answer']!);
}

describe('V4 IPN', () => {
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('notifies the end of a payment with a kr-hash the merchant verifies, retrying after a 500', async () => {
    const receiver = await startReceiver(500);
    cleanup.push(() => receiver.close());
    const svc: V4Service = await startV4Service({ notificationUrl: `${receiver.url}/ipn` });
    cleanup.push(() => svc.close());

    const r = await svc.call('Charge/CreatePayment', initialRequest());
    assert.equal(r.body.status, 'SUCCESS');
    await receiver.waitFor(1);
    receiver.behaviour = 200;
    await receiver.waitFor(2);

    const [first, second] = receiver.received;
    assert.equal(first!.path, '/ipn');
    assert.equal(second!.body, first!.body, 'the retry sends the same message');
    const answer = verifyIpn(second!, svc.merchant.secret);
    assert.deepEqual(answer, r.answer, 'kr-answer is the payment CreatePayment answered');
    assert.equal(answer.orderStatus, 'PAID');
    assert.equal(answer.transactions[0].operationType, 'VERIFICATION');

    const [message] = await svc.service.store.listOutbox({ merchantId: svc.merchant.uuid, topic: 'ipn', limit: 10 });
    await waitUntil(
      'the outbox shows it',
      10_000,
      async () => (await svc.service.store.listOutbox({ merchantId: svc.merchant.uuid, limit: 10 }))[0]?.deliveredAt != null,
    );
    const delivered = (await svc.service.store.listOutbox({ merchantId: svc.merchant.uuid, limit: 10 }))[0]!;
    assert.equal(delivered.id, message!.id);
    assert.equal(delivered.attempts, 2);
    assert.equal(receiver.received.length, 2, 'nothing after the 200');
  });

  it('notifies a declined payment too, to the return URL when there is no notification URL', async () => {
    const receiver = await startReceiver(200);
    cleanup.push(() => receiver.close());
    const svc = await startV4Service();
    cleanup.push(() => svc.close());
    const merchant = await svc.engine.registerMerchant({ name: 'No IPN URL', ip: '127.0.0.1', returnUrl: `${receiver.url}/return` });
    const r = await svc.call(
      'Charge/CreatePayment',
      initialRequest({ paymentForms: [{ paymentMethodType: 'CARD', pan: '4000000000000002', expiryMonth: '12', expiryYear: '2035' }] }),
      { as: merchant },
    );
    assert.equal(r.answer.orderStatus, 'UNPAID');
    await receiver.waitFor(1);
    assert.equal(receiver.received[0]!.path, '/return');
    const answer = verifyIpn(receiver.received[0]!, merchant.secret);
    assert.equal(answer.transactions[0].detailedStatus, 'REFUSED');
  });

  it('keeps an undelivered IPN across a restart and delivers it once the merchant is back', async () => {
    const down = await closedUrl();
    const first = await startV4Service({ notificationUrl: `${down}/ipn` });
    const r = await first.call('Charge/CreatePayment', initialRequest());
    await waitUntil(
      'the outbox shows it',
      10_000,
      async () => ((await first.service.store.listOutbox({ limit: 10 }))[0]?.attempts ?? 0) >= 1,
    );
    const { merchant, db, clock } = first;
    await first.service.close(); // the service stops; its database stays

    // The merchant's server comes back on its address, and esipay restarts on the same database.
    const received: Received[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req
        .on('data', (d) => (body += d))
        .on('end', () => {
          received.push({
            method: req.method ?? '',
            path: req.url ?? '',
            headers: req.headers,
            body,
            fields: Object.fromEntries(new URLSearchParams(body)),
          });
          res.end('ok');
          gotIt();
        });
    });
    let gotIt: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (gotIt = resolve));
    await new Promise<void>((resolve) => server.listen(Number(new URL(down).port), '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const second = await startV4Service({ db, clock });
    cleanup.push(() => second.close());

    await arrived;
    const answer = verifyIpn(received[0]!, merchant.secret);
    assert.equal(answer.transactions[0].uuid, r.answer.transactions[0].uuid);
    await waitUntil(
      'the outbox shows it',
      10_000,
      async () => (await second.service.store.listOutbox({ merchantId: merchant.uuid, limit: 10 }))[0]?.deliveredAt != null,
    );
  });
});
