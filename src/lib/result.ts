/**
 * What every verifier of the merchant library answers: the message's content when it is esipay's,
 * else why not, in words a merchant can log. Never an exception: a forged or malformed request
 * is an everyday input for a public endpoint, not a bug.
 */
export type VerifyResult<P> = { ok: true; payload: P } | { ok: false; reason: string };

/** Options of the verifiers whose messages carry an Esipay-Signature header (and so a timestamp). */
export interface SignatureOptions {
  /** How far the signature's timestamp may be from now, in seconds, either way: 300 by default. */
  toleranceSeconds?: number;
  /** The time to check the timestamp against: now by default. A Date or milliseconds since the epoch. */
  now?: Date | number;
}

/**
 * The merchant's secret, or all of its secrets while it rotates them (a message signed under any
 * one of them verifies).
 */
export type Secrets = string | readonly string[];

export const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });
