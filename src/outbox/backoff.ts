import { type Env, ENV_VARS, readEnv } from '../config/env.js';

/**
 * When to try a message again after its n-th failed attempt: exponential (base · 2^(n-1)), capped,
 * with jitter (a random point in the upper half of the delay) so the messages of a merchant that
 * was down do not all come back at the same instant.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: ENV_VARS.ESIPAY_OUTBOX_RETRY_BASE_MS.fallback,
  maxMs: ENV_VARS.ESIPAY_OUTBOX_RETRY_MAX_MS.fallback,
};

export function retryDelayMs(failedAttempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempts, 1) - 1, 30);
  const full = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(full / 2 + random() * (full / 2));
}

/** The policy from ESIPAY_OUTBOX_RETRY_BASE_MS / ESIPAY_OUTBOX_RETRY_MAX_MS, else the default. */
export function backoffFromEnv(env: Env = process.env): BackoffPolicy {
  const baseMs = readEnv('ESIPAY_OUTBOX_RETRY_BASE_MS', env);
  return { baseMs, maxMs: Math.max(baseMs, readEnv('ESIPAY_OUTBOX_RETRY_MAX_MS', env)) };
}

/**
 * How long a message is retried, from when it was queued (or last resent), before it is dead:
 * ESIPAY_OUTBOX_RETRY_HORIZON_MS, 3 days by default as Stripe's webhooks. Bounded, so a merchant
 * that is gone for good is not called forever ("attempt 316 failed").
 */
export const DEFAULT_RETRY_HORIZON_MS = ENV_VARS.ESIPAY_OUTBOX_RETRY_HORIZON_MS.fallback;

export function retryHorizonFromEnv(env: Env = process.env): number {
  return readEnv('ESIPAY_OUTBOX_RETRY_HORIZON_MS', env);
}

/**
 * After a failed attempt at `now`: the next attempt, or dead when it would fall past the horizon
 * that began at `since` (so the last attempt is made within it).
 */
export function nextAttempt(
  since: string,
  now: Date,
  failedAttempts: number,
  policy: BackoffPolicy,
  horizonMs: number,
  random: () => number = Math.random,
): { dead: false; at: string } | { dead: true } {
  const at = now.getTime() + retryDelayMs(failedAttempts, policy, random);
  return at > Date.parse(since) + horizonMs ? { dead: true } : { dead: false, at: new Date(at).toISOString() };
}
