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
