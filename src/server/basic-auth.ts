import { createHash, timingSafeEqual } from 'node:crypto';
import type { MerchantRecord } from '../domain/types.js';
import { MERCHANT_ID } from '../util/ids.js';

/**
 * HTTP Basic authentication of a merchant, for the V4 API and get_link_payment alike: user = the
 * merchant's uuid, password = one of its active secrets (the previous one stays valid during a
 * rotation). Secrets are compared as SHA-256 digests in constant time, every one of them (no early
 * exit); an unknown merchant costs the same comparison, so the answer time does not tell whether a
 * uuid exists. Each API words its own refusal from the problem (V4: ESI_401 with a reason;
 * get_link_payment: AUTH_001 or AUTH_002).
 */
export type BasicAuthProblem =
  /** No Authorization: Basic header, or one that is too long or not base64. */
  | 'missing'
  /** The decoded credentials have no ":" between uuid and secret. */
  | 'no_colon'
  /** The uuid or the secret is empty. */
  | 'empty'
  /** Unknown merchant or wrong secret. */
  | 'rejected'
  /** The right credentials of a merchant an operator disabled: refused (403), in each API's words. */
  | 'disabled';

export type BasicAuthResult = { ok: true; merchant: MerchantRecord } | { ok: false; problem: BasicAuthProblem };

/** Far above any "Basic base64(uuid:secret)": a longer header is refused before it is decoded. */
export const MAX_AUTHORIZATION_LENGTH = 1024;

/**
 * Standard base64 only (RFC 7617 credentials are RFC 4648 §4 base64), padding at the end: every
 * client encodes them so (curl -u, fetch, the seed's own example), and nothing in esipay hands out
 * base64url credentials. Node's decoder would silently accept "-" and "_" too; refusing them keeps
 * one accepted spelling of a given uuid:secret.
 */
const BASIC = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i;

export function parseBasic(
  header: string | string[] | undefined,
): { user: string; password: string } | { problem: 'missing' | 'no_colon' } {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || value.length > MAX_AUTHORIZATION_LENGTH) return { problem: 'missing' };
  const m = BASIC.exec(value);
  if (!m) return { problem: 'missing' };
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { problem: 'no_colon' };
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const DUMMY = sha256('esipay: no such merchant');

export async function authenticateBasic(
  header: string | string[] | undefined,
  findMerchant: (uuid: string) => Promise<MerchantRecord | undefined>,
  /** Which users are looked up at all (the V4 API also takes a shop number). */
  userForm: RegExp = MERCHANT_ID,
): Promise<BasicAuthResult> {
  const creds = parseBasic(header);
  if ('problem' in creds) return { ok: false, problem: creds.problem };
  if (creds.user === '' || creds.password === '') return { ok: false, problem: 'empty' };
  const merchant = userForm.test(creds.user) ? await findMerchant(creds.user) : undefined;
  const given = sha256(creds.password);
  let match = false;
  for (const expected of merchant ? merchant.secrets.map(sha256) : [DUMMY]) {
    if (timingSafeEqual(given, expected)) match = true;
  }
  if (!merchant || !match) return { ok: false, problem: 'rejected' };
  // Told only to whoever holds a valid secret: to anyone else a disabled merchant is just refused.
  return merchant.disabledAt ? { ok: false, problem: 'disabled' } : { ok: true, merchant };
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
