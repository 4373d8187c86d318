import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { CallbackOutcome, CallbackRequest, CallbackSender } from '../../src/callback/sender.js';
import type { OutboxRecord } from '../../src/domain/types.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { nextAttempt } from '../../src/outbox/backoff.js';
import { startOutboxDeliverer } from '../../src/outbox/deliverer.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { newId } from '../../src/util/ids.js';
import { checkLedger } from '../../src/verify/ledger-check.js';
import { tempSqlite } from '../helpers/sqlite.js';

const DAY = 86_400_000;
const T0 = '2030-01-01T00:00:00.000Z';
const POLICY = { baseMs: 3_600_000, maxMs: 12 * 3_600_000 };

/** A sender that answers each request with the next outcome of its script (the last one repeats). */
class Scripted implements CallbackSender {
  readonly sent: CallbackRequest[] = [];
  constructor(private readonly script: CallbackOutcome[]) {}
  async send(req: CallbackRequest): Promise<CallbackOutcome> {
    this.sent.push(req);
    return this.script[Math.min(this.sent.length - 1, this.script.length - 1)]!;
  }
}

function linkCallback(merchantId: string, transactionId: string): OutboxRecord {
  return {
    id: newId(),
    merchantId,
    topic: 'link_callback',
    url: 'http://127.0.0.1:9/callback',
    contentType: 'application/json',
    body: JSON.stringify({ event: 'link.debit', transaction: { id: transactionId }, debit: { seq: 2, status: 'failed' } }),
    headers: '{}',
    attempts: 0,
    nextAttemptAt: T0,
    deliveredAt: null,
    lastError: null,
    createdAt: T0,
  };
}

describe('bounded retries', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  async function setup(script: CallbackOutcome[]) {
    const { db, cleanup } = tempSqlite();
    const store: Store = await openStore(db);
    let now = Date.parse(T0);
    const clock = () => new Date(now);
    const engine = await LocalEngine.create(store, { clock });
    const sender = new Scripted(script);
    // No poll during the test: each round is the test's, at the time it set.
    const deliverer = startOutboxDeliverer({
      store,
      sender,
      clock,
      backoff: POLICY,
      retryHorizonMs: 3 * DAY,
      pollMs: 3_600_000,
      random: () => 1,
    });
    cleanups.push(async () => {
      await deliverer.stop();
      await engine.close();
      cleanup();
    });
    return { store, engine, sender, deliverer, setNow: (iso: string) => (now = Date.parse(iso)) };
  }

  it('backs off exponentially, gives up past the horizon (dead), then a resend starts a new horizon', async () => {
    const { store, engine, sender, deliverer, setNow } = await setup([{ ok: false, status: 503, error: 'the URL answered HTTP 503' }]);
    const m = linkCallback('merchant-1', 'tx-1');
    await store.enqueueOutbox(m);

    // Step the clock to each next attempt until the deliverer gives up.
    let event = await engine.getEvent(m.id);
    for (let i = 0; i < 100 && event.status !== 'dead'; i++) {
      if (event.nextAttemptAt) setNow(event.nextAttemptAt);
      await deliverer.round();
      event = await engine.getEvent(m.id);
    }
    assert.equal(event.status, 'dead');
    assert.equal(event.type, 'link.debit.failed');
    assert.equal(event.transaction, 'tx-1');
    assert.equal(event.nextAttemptAt, null, 'a dead event has no next attempt');
    assert.equal(event.lastError, 'the URL answered HTTP 503');
    const times = event.history.map((a) => Date.parse(a.at));
    assert.ok(
      times.every((t) => t <= Date.parse(T0) + 3 * DAY),
      'every attempt within the 3-day horizon',
    );
    // 1 h, 2 h, 4 h, 8 h, then 12 h apart (random 1: the full delay): 0, 1, 3, 7, 15, 27… hours.
    assert.deepEqual(
      times.slice(0, 6).map((t) => (t - Date.parse(T0)) / 3_600_000),
      [0, 1, 3, 7, 15, 27],
    );
    assert.equal(event.attempts, event.history.length);
    assert.equal(sender.sent.length, event.attempts);
    for (const a of event.history) {
      assert.equal(a.kind, 'delivery');
      assert.equal(a.status, 503);
      assert.equal(a.error, 'the URL answered HTTP 503');
      assert.ok(typeof a.durationMs === 'number' && a.durationMs >= 0);
      assert.equal(a.url, m.url);
    }

    // Dead: no more attempts, however late.
    setNow(new Date(Date.parse(T0) + 30 * DAY).toISOString());
    await deliverer.round();
    assert.equal(sender.sent.length, event.attempts, 'nothing sent once dead');
    assert.deepEqual(
      (await engine.listEvents({ status: 'dead' })).items.map((e) => e.id),
      [m.id],
    );

    // verify counts it as a warning: the ledger itself holds.
    const report = await checkLedger(store, { now: new Date(Date.parse(T0) + 30 * DAY) });
    assert.equal(report.ok, true);
    assert.equal(report.warnings.length, 1);
    assert.equal(report.warnings[0]!.count, 1);
    assert.match(report.warnings[0]!.message, /esipay events resend/);

    // A resend queues it now and its horizon starts again: one more attempt, failed, not dead.
    const resent = await engine.resendEvent(m.id);
    assert.equal(resent.status, 'pending');
    await deliverer.round();
    const again = await engine.getEvent(m.id);
    assert.equal(again.status, 'failed');
    assert.equal(again.attempts, event.attempts + 1);
    assert.deepEqual(
      again.history.slice(-2).map((a) => a.kind),
      ['resend', 'delivery'],
    );
    assert.equal((await checkLedger(store)).warnings.length, 0, 'no dead event left');
  });

  it('records an attempt that got no answer, then the delivery that got a 200', async () => {
    const { store, engine, deliverer, setNow } = await setup([
      { ok: false, status: null, error: 'connection refused' },
      { ok: true, status: 200, error: null },
    ]);
    const m = linkCallback('merchant-2', 'tx-2');
    await store.enqueueOutbox(m);
    await deliverer.round();
    const failed = await engine.getEvent(m.id);
    assert.equal(failed.status, 'failed');
    assert.deepEqual(
      failed.history.map((a) => [a.status, a.error]),
      [[null, 'connection refused']],
    );
    setNow(failed.nextAttemptAt!);
    await deliverer.round();
    const delivered = await engine.getEvent(m.id);
    assert.equal(delivered.status, 'delivered');
    assert.equal(delivered.lastError, null);
    assert.equal(delivered.deliveredAt, delivered.history[1]!.at);
    assert.deepEqual(
      delivered.history.map((a) => [a.status, a.error]),
      [
        [null, 'connection refused'],
        [200, null],
      ],
    );
  });

  it('schedules the next attempt only while it falls within the horizon', () => {
    const policy = { baseMs: 1000, maxMs: 1000 };
    const since = T0;
    assert.deepEqual(
      nextAttempt(since, new Date(Date.parse(T0) + 500), 1, policy, 2000, () => 1),
      {
        dead: false,
        at: new Date(Date.parse(T0) + 1500).toISOString(),
      },
    );
    assert.deepEqual(
      nextAttempt(since, new Date(Date.parse(T0) + 1001), 2, policy, 2000, () => 1),
      { dead: true },
    );
  });
});
