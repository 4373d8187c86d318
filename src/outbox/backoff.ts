/**
 * When to try a message again after its n-th failed attempt: exponential (base · 2^(n-1)), capped,
 * with jitter (a random point in the upper half of the delay) so the messages of a merchant that
 * was down do not all come back at the same instant.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 10_000, maxMs: 60 * 60_000 };

export function retryDelayMs(failedAttempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempts, 1) - 1, 30);
  const full = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(full / 2 + random() * (full / 2));
}

/** The policy from ESIPAY_OUTBOX_RETRY_BASE_MS / ESIPAY_OUTBOX_RETRY_MAX_MS, else the default. */
export function backoffFromEnv(env: NodeJS.ProcessEnv = process.env): BackoffPolicy {
  const read = (name: string, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 86_400_000)
      throw new Error(`${name} must be an integer of milliseconds between 1 and 86400000`);
    return n;
  };
  const baseMs = read('ESIPAY_OUTBOX_RETRY_BASE_MS', DEFAULT_BACKOFF.baseMs);
  return { baseMs, maxMs: Math.max(baseMs, read('ESIPAY_OUTBOX_RETRY_MAX_MS', DEFAULT_BACKOFF.maxMs)) };
}
