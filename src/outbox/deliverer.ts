import type { CallbackSender } from '../callback/sender.js';
import { SIGNATURE_HEADER, signPayload } from '../callback/signature.js';
import type { AttemptOutcome, EventRecord } from '../domain/events.js';
import type { OutboxRecord } from '../domain/types.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/clock.js';
import { addMs } from '../util/clock.js';
import { newId } from '../util/ids.js';
import { type BackoffPolicy, DEFAULT_BACKOFF, DEFAULT_RETRY_HORIZON_MS, nextAttempt } from './backoff.js';
import type { OutboxWakeup } from './wakeup.js';

/**
 * Delivers the outbox: messages to merchants (V4 IPNs, link callbacks, any topic) that must
 * arrive even if the merchant is down or esipay restarts. Each round claims the due messages with
 * a lease (so another instance does not send them meanwhile; if this one dies, the lease runs out
 * and they come due again), POSTs them, and marks each delivered on a 200 or schedules its next
 * attempt with capped exponential back-off and jitter, for a bounded time (retryHorizonMs from
 * when it was queued or resent); past it the message is dead: no more attempts until someone
 * resends it (`esipay events resend`). Every attempt (time, URL, status, error, duration) goes in
 * the event's history in the same write as its outcome. Delivery is at least once: a merchant
 * must accept the same message twice (the IPN's transaction uuid makes that easy).
 */
export interface OutboxDelivererOptions {
  store: Store;
  sender: CallbackSender;
  clock: Clock;
  backoff?: BackoffPolicy;
  /** How long a message is retried before it is dead (default 3 days). */
  retryHorizonMs?: number;
  /** How often to look for due messages when nobody nudges. */
  pollMs?: number;
  /** How long a claimed message is held: longer than a delivery can take. */
  leaseMs?: number;
  /** Messages claimed (and sent in parallel) per round. */
  batch?: number;
  /** How long a merchant may take to answer one delivery. */
  timeoutMs?: number;
  log?: (message: string) => void;
  random?: () => number;
  /** Nudges from this service's writers (the engine's onOutboxWrite). */
  wakeup?: OutboxWakeup;
}

export interface OutboxDeliverer {
  ready: Promise<void>;
  /** Look for due messages now. */
  kick(): void;
  /** A round now (after the one under way), resolved once it is done: how a test that drives the clock steps it. */
  round(): Promise<void>;
  stop(): Promise<void>;
}

export const OUTBOX_POLL_MS = 1_000;
export const OUTBOX_TIMEOUT_MS = 10_000;

export function startOutboxDeliverer(opts: OutboxDelivererOptions): OutboxDeliverer {
  const pollMs = opts.pollMs ?? OUTBOX_POLL_MS;
  const timeoutMs = opts.timeoutMs ?? OUTBOX_TIMEOUT_MS;
  const leaseMs = opts.leaseMs ?? Math.max(60_000, timeoutMs * 3);
  const batch = opts.batch ?? 20;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const horizonMs = opts.retryHorizonMs ?? DEFAULT_RETRY_HORIZON_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let nudged = false;

  const deliver = async (m: EventRecord): Promise<void> => {
    let headers: Record<string, string> = {};
    try {
      headers = JSON.parse(m.headers) as Record<string, string>;
    } catch {
      // A message is written by esipay itself; unreadable headers are sent without them.
    }
    await resign(m, headers);
    const started = performance.now();
    const outcome = await opts.sender.send({ url: m.url, body: m.body, contentType: m.contentType, headers, timeoutMs });
    const durationMs = Math.round(performance.now() - started);
    const now = opts.clock();
    const error = outcome.ok ? null : (outcome.error ?? `HTTP ${outcome.status}`);
    const attempt = m.attempts + 1;
    const next = outcome.ok ? undefined : nextAttempt(m.resentAt ?? m.createdAt, now, attempt, backoff, horizonMs, opts.random);
    const result: AttemptOutcome = !next
      ? { status: 'delivered' }
      : next.dead
        ? { status: 'dead' }
        : { status: 'failed', nextAttemptAt: next.at };
    await opts.store.recordOutboxAttempt(
      m.id,
      { id: newId(), eventId: m.id, kind: 'delivery', at: now.toISOString(), url: m.url, httpStatus: outcome.status, error, durationMs },
      result,
    );
    if (result.status === 'failed')
      opts.log?.(`${m.type} ${m.id} to ${m.url}: attempt ${attempt} failed (${error}); next at ${result.nextAttemptAt}`);
    if (result.status === 'dead') {
      opts.log?.(
        `${m.type} ${m.id} to ${m.url}: attempt ${attempt} failed (${error}); dead after ${horizonMs} ms of retries, resend with \`esipay events resend ${m.id}\``,
      );
    }
  };

  /**
   * An Esipay-Signature carries a timestamp that receivers check against a tolerance window, so a
   * retry hours later is signed anew, at sending time, with the merchant's current secrets (a
   * rotation in between is honoured too). Signatures without a timestamp (the IPN's kr-hash) stay.
   */
  const resign = async (m: OutboxRecord, headers: Record<string, string>): Promise<void> => {
    const key = Object.keys(headers).find((h) => h.toLowerCase() === SIGNATURE_HEADER);
    if (!key) return;
    const merchant = await opts.store.getMerchant(m.merchantId);
    if (merchant) headers[key] = signPayload(m.body, merchant.secrets, Math.floor(opts.clock().getTime() / 1000));
  };

  const deliverDue = async (): Promise<void> => {
    // Drain what is due, a batch at a time; stop early when asked to stop.
    while (!stopped) {
      const now = opts.clock();
      const due = await opts.store.claimEvents(now.toISOString(), addMs(now, leaseMs), batch);
      await Promise.all(
        due.map((m) =>
          deliver(m).catch((e: unknown) => {
            // The lease runs out and the message comes due again: nothing is lost.
            opts.log?.(`${m.topic} ${m.id}: could not record the delivery outcome: ${(e as Error)?.message ?? String(e)}`);
          }),
        ),
      );
      if (due.length < batch) return;
    }
  };

  /** One round at a time: `running` is the round under way, cleared by the round that set it. */
  const guarded = async (): Promise<void> => {
    const mine = deliverDue().catch((e: unknown) => opts.log?.(`outbox round failed: ${(e as Error)?.message ?? String(e)}`));
    running = mine;
    await mine;
    if (running === mine) running = undefined;
  };

  const run = async (): Promise<void> => {
    clearTimeout(timer);
    while (running) await running; // a round() a test asked for
    nudged = false;
    await guarded();
    if (!stopped) timer = setTimeout(() => void run(), nudged ? 0 : pollMs);
  };

  const unsubscribe = opts.wakeup?.subscribe(() => deliverer.kick()) ?? (() => false);
  // The first round starts at once but is not awaited: a slow merchant must not delay start-up.
  timer = setTimeout(() => void run(), 0);
  const deliverer: OutboxDeliverer = {
    ready: Promise.resolve(),
    kick() {
      if (stopped) return;
      if (running) nudged = true;
      else {
        clearTimeout(timer);
        timer = setTimeout(() => void run(), 0);
      }
    },
    async round() {
      while (running) await running;
      await guarded();
    },
    async stop() {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
      await running;
    },
  };
  return deliverer;
}
