import { createHash, timingSafeEqual } from 'node:crypto';
import type { MerchantRecord } from '../../domain/types.js';
import type { Store } from '../../store/store.js';
import { MERCHANT_ID } from '../../util/ids.js';

/**
 * HTTP Basic authentication of the V4 API: the user is the merchant's uuid, the password one of
 * its secrets (the current one, or the previous one during a rotation). Secrets are compared in
 * constant time, through their SHA-256 so lengths leak nothing; an unknown merchant costs the
 * same comparison, so the answer time does not tell whether a uuid exists.
 */
export type AuthResult = { ok: true; merchant: MerchantRecord } | { ok: false; reason: string };

const DUMMY = sha256('esipay-no-such-merchant');

export async function authenticate(store: Store, header: string | string[] | undefined): Promise<AuthResult> {
  const value = Array.isArray(header) ? header[0] : header;
  const m = value ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value) : null;
  if (!m) return { ok: false, reason: 'an Authorization: Basic header with the merchant uuid and secret is required' };
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { ok: false, reason: 'the Basic credentials must be uuid:secret' };
  const user = decoded.slice(0, colon);
  const given = sha256(decoded.slice(colon + 1));
  const merchant = MERCHANT_ID.test(user) ? await store.getMerchant(user) : undefined;
  let match = false;
  const candidates = merchant ? merchant.secrets.map(sha256) : [DUMMY];
  for (const expected of candidates) {
    // Every secret is compared (no early exit), so timing does not reveal which one matched.
    if (timingSafeEqual(given, expected)) match = true;
  }
  if (!merchant || !match) return { ok: false, reason: 'unknown merchant uuid or wrong secret' };
  return { ok: true, merchant };
}

function sha256(s: string | Buffer): Buffer {
  return createHash('sha256').update(s).digest();
}
