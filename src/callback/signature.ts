import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Callback signatures, as Stripe does them: the header
 *   Esipay-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under the secret>
 * with one v1 per active secret while a merchant rotates its secret. A receiver recomputes the
 * HMAC with its secret, compares in constant time, and rejects a timestamp outside its tolerance
 * (replays).
 */
export const SIGNATURE_HEADER = 'esipay-signature';
export const DEFAULT_TOLERANCE_S = 300;

export function signPayload(body: string, secrets: readonly string[], timestampS: number): string {
  const parts = [`t=${timestampS}`];
  for (const secret of secrets) parts.push(`v1=${hmacHex(secret, `${timestampS}.${body}`)}`);
  return parts.join(',');
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: string };

export function verifySignature(
  body: string,
  header: string | undefined,
  secrets: readonly string[],
  nowS: number = Math.floor(Date.now() / 1000),
  toleranceS: number = DEFAULT_TOLERANCE_S,
): VerifyResult {
  if (!header) return { ok: false, reason: 'no Esipay-Signature header' };
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d+$/.test(v)) timestamp = Number(v);
    else if (k === 'v1' && v) candidates.push(v);
  }
  if (timestamp === undefined) return { ok: false, reason: 'no timestamp in the signature' };
  if (Math.abs(nowS - timestamp) > toleranceS) return { ok: false, reason: `timestamp outside the ${toleranceS}s tolerance` };
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, `${timestamp}.${body}`), 'hex');
    for (const c of candidates) {
      const given = Buffer.from(c, 'hex');
      if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, timestamp };
    }
  }
  return { ok: false, reason: 'no signature matches the secret' };
}

export function hmacHex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

/**
 * The V4 IPN's signature (src/server/v4/ipn.ts): kr-hash is the hex HMAC-SHA256 of the raw
 * kr-answer under the merchant's secret (kr-hash-key "password"). Every secret is tried, in
 * constant time, so a receiver that knows both secrets of a rotation accepts either.
 */
export function verifyKrHash(
  fields: Readonly<Record<string, string>>,
  secrets: readonly string[],
): { ok: true } | { ok: false; reason: string } {
  const answer = fields['kr-answer'];
  const hash = fields['kr-hash'];
  if (answer === undefined) return { ok: false, reason: 'no kr-answer field' };
  if (!hash) return { ok: false, reason: 'no kr-hash field' };
  const algorithm = fields['kr-hash-algorithm'];
  if (algorithm !== 'sha256_hmac') return { ok: false, reason: `kr-hash-algorithm is "${algorithm ?? ''}", not sha256_hmac` };
  const key = fields['kr-hash-key'];
  if (key !== 'password') return { ok: false, reason: `kr-hash-key is "${key ?? ''}": only password-keyed hashes can be checked` };
  const given = Buffer.from(hash, 'hex');
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, answer), 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'kr-hash matches no secret' };
}
