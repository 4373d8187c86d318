import { DEFAULT_TOLERANCE_S } from '../callback/signature.js';
import { refuse, type Secrets, type SignatureOptions, type VerifyResult } from './result.js';

/**
 * The library's arguments as they arrive from a merchant's code (plain JavaScript included),
 * checked: each reader answers the value or a refusal to hand back as is.
 */
type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

export function readSecrets(secrets: Secrets | unknown): Read<readonly string[]> {
  const list: unknown[] = typeof secrets === 'string' ? [secrets] : Array.isArray(secrets) ? secrets : [];
  if (list.length === 0) return refuse('no secret given: pass the merchant secret, or an array of secrets during a rotation');
  // An empty secret is a configuration left unset (an absent environment variable), not a key.
  if (!list.every((s) => typeof s === 'string' && s !== '')) return refuse('a secret is empty or not a string');
  return { ok: true, value: list as string[] };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The raw body as text. Signatures are over the exact bytes esipay sent, so a body a framework
 * already parsed into an object cannot be checked: that is said, with the fix.
 */
export function readRawBody(body: unknown): Read<string> {
  if (typeof body === 'string') return { ok: true, value: body };
  if (body instanceof Uint8Array) {
    try {
      return { ok: true, value: utf8.decode(body) };
    } catch {
      return refuse('the body is not UTF-8 text');
    }
  }
  if (typeof body === 'object' && body !== null)
    return refuse('the body was already parsed: pass the raw body (a string or a Buffer, e.g. from express.raw())');
  return refuse('no body: pass the raw body (a string or a Buffer)');
}

/** The Esipay-Signature header's value; node gives a repeated header as an array. */
export function readHeader(header: unknown): string | undefined {
  if (typeof header === 'string') return header;
  if (Array.isArray(header) && header.every((h) => typeof h === 'string')) return header.join(',');
  return undefined;
}

export interface Clock {
  nowS: number;
  toleranceS: number;
}

export function readClock(options: SignatureOptions | undefined): Read<Clock> {
  const { now = Date.now(), toleranceSeconds = DEFAULT_TOLERANCE_S } = (typeof options === 'object' && options) || {};
  const nowMs = now instanceof Date ? now.getTime() : now;
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) return refuse('options.now is not a valid Date or number of milliseconds');
  if (typeof toleranceSeconds !== 'number' || !(toleranceSeconds >= 0))
    return refuse('options.toleranceSeconds is not a number of seconds (0 or more)');
  return { ok: true, value: { nowS: Math.floor(nowMs / 1000), toleranceS: toleranceSeconds } };
}

/**
 * The last line of "never throws": the readers above cover what a caller can pass by mistake;
 * this turns what they cannot foresee (a getter that throws, a hostile object) into a refusal.
 */
export function guarded<P>(verify: () => VerifyResult<P>): VerifyResult<P> {
  try {
    return verify();
  } catch (e) {
    return refuse(`could not be verified: ${e instanceof Error ? e.message : String(e)}`);
  }
}
