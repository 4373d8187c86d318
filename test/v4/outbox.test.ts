import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { CallbackRequest, CallbackSender } from '../../src/callback/sender.js';
import { signPayload, verifySignature } from '../../src/callback/signature.js';
import type { OutboxRecord } from '../../src/domain/types.js';
import { backoffFromEnv, retryDelayMs } from '../../src/outbox/backoff.js';
import { startOutboxDeliverer } from '../../src/outbox/deliverer.js';
import { type EngineFixture, engineFixture } from './fixtures.js';
import { waitUntil } from '../helpers/wait-until.js';

describe('outbox back-off', () => {
  it('doubles from the base, stays within [d/2, d], and is capped', () => {
    const policy = { baseMs: 1000, maxMs: 8000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, policy, () => 1)),
      [1000, 2000, 4000, 8000, 8000, 8000],
    );
    assert.deepEqual(
      [1, 2, 3].map((n) => retryDelayMs(n, policy, () => 0)),
      [500, 1000, 2000],
    );
    assert.equal(
      retryDelayMs(1000, policy, () => 0.5),
      6000,
      'no overflow after many attempts',
    );
  });

  it('reads its policy from the environment and refuses nonsense', () => {
    assert.deepEqual(backoffFromEnv({ ESIPAY_OUTBOX_RETRY_BASE_MS: '200', ESIPAY_OUTBOX_RETRY_MAX_MS: '1000' }), {
      baseMs: 200,
      maxMs: 1000,
    });
    assert.deepEqual(backoffFromEnv({}), { baseMs: 10_000, maxMs: 3_600_000 });
    assert.throws(() => backoffFromEnv({ ESIPAY_OUTBOX_RETRY_BASE_MS: '-5' }), /ESIPAY_OUTBOX_RETRY_BASE_MS/);
  });
});

/** A sender that answers from a script and records what it was asked to send. */
class ScriptedSender implements CallbackSender {
  sent: CallbackRequest[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  constructor(private readonly statuses: number[]) {}
  async send(req: CallbackRequest) {
    this.sent.push(req);
    const status = this.statuses.shift() ?? 200;
    for (const w of this.waiters.filter((w) => this.sent.length >= w.n)) w.resolve();
    return { status, ok: status === 200, error: status === 200 ? null : `the URL answered HTTP ${status}` };
  }
  waitFor(n: number): Promise<void> {
    return new Promise((resolve) => (this.sent.length >= n ? resolve() : this.waiters.push({ n, resolve })));
  }
}

describe('outbox deliverer', () => {
  let fx: EngineFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  const message = (f: EngineFixture, over: Partial<OutboxRecord> = {}): OutboxRecord => ({
    id: `m${Math.random().toString(16).slice(2)}`,
    merchantId: f.merchant.uuid,
    topic: 'link_callback',
    url: 'http://127.0.0.1:9/cb',
    contentType: 'application/json',
    body: '{"paid":true}',
    headers: JSON.stringify({ 'x-signature': 'sig' }),
    attempts: 0,
    nextAttemptAt: f.clock.read().toISOString(),
    deliveredAt: null,
    lastError: null,
    createdAt: f.clock.read().toISOString(),
    ...over,
  });

  it('delivers any topic with its headers, and retries a failure only once its back-off is due', async () => {
    fx = await engineFixture();
    const f = fx;
    const sender = new ScriptedSender([503]);
    await f.store.enqueueOutbox(message(f));
    const deliverer = startOutboxDeliverer({
      store: f.store,
      sender,
      clock: f.clock.read,
      backoff: { baseMs: 60_000, maxMs: 60_000 },
      random: () => 1,
      pollMs: 5,
    });
    try {
      await sender.waitFor(1);
      assert.equal(sender.sent[0]!.headers?.['x-signature'], 'sig');
      assert.equal(sender.sent[0]!.contentType, 'application/json');
      // The frozen clock has not reached the retry: polls find nothing due.
      await waitUntil('the outbox shows it', 10_000, async () => (await f.store.listOutbox({ limit: 1 }))[0]?.attempts === 1);
      const failed = (await f.store.listOutbox({ limit: 1 }))[0]!;
      assert.equal(failed.lastError, 'the URL answered HTTP 503');
      assert.equal(Date.parse(failed.nextAttemptAt) - f.clock.read().getTime(), 60_000);
      assert.equal(sender.sent.length, 1);
      f.clock.advanceMs(60_000);
      deliverer.kick();
      await sender.waitFor(2);
      await waitUntil('the outbox shows it', 10_000, async () => (await f.store.listOutbox({ limit: 1 }))[0]?.deliveredAt !== null);
      assert.equal((await f.store.listOutbox({ limit: 1 }))[0]!.attempts, 2);
    } finally {
      await deliverer.stop();
    }
  });

  it('signs an Esipay-Signature anew when it sends, so a retry hours later still verifies', async () => {
    fx = await engineFixture();
    const f = fx;
    const secrets = (await f.store.getMerchant(f.merchant.uuid))!.secrets;
    const body = '{"event":"link.paid"}';
    const stale = signPayload(body, secrets, Math.floor(f.clock.read().getTime() / 1000) - 3 * 3600);
    await f.store.enqueueOutbox(message(f, { body, headers: JSON.stringify({ 'esipay-signature': stale }) }));
    const sender = new ScriptedSender([]);
    const deliverer = startOutboxDeliverer({ store: f.store, sender, clock: f.clock.read, pollMs: 5 });
    try {
      await sender.waitFor(1);
      const header = sender.sent[0]!.headers?.['esipay-signature'];
      assert.notEqual(header, stale);
      assert.equal(verifySignature(body, header, secrets, Math.floor(f.clock.read().getTime() / 1000)).ok, true);
    } finally {
      await deliverer.stop();
    }
  });

  it('leaves a message another instance holds alone until its lease runs out', async () => {
    fx = await engineFixture();
    const f = fx;
    await f.store.enqueueOutbox(message(f));
    const now = f.clock.read();
    const held = await f.store.claimOutbox(now.toISOString(), new Date(now.getTime() + 60_000).toISOString(), 10);
    assert.equal(held.length, 1);
    const sender = new ScriptedSender([]);
    const deliverer = startOutboxDeliverer({ store: f.store, sender, clock: f.clock.read, pollMs: 5 });
    try {
      deliverer.kick();
      await new Promise((r) => setTimeout(r, 50)); // several polls: none may send it
      assert.equal(sender.sent.length, 0);
      f.clock.advanceMs(60_000); // the other instance died: its lease ran out
      await sender.waitFor(1);
    } finally {
      await deliverer.stop();
    }
  });
});
