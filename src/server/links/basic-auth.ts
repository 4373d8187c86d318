import { createHash, timingSafeEqual } from 'node:crypto';
import type { MerchantRecord } from '../../domain/types.js';
import type { Store } from '../../store/store.js';
import { MERCHANT_ID } from '../../util/ids.js';

/**
 * get_link_payment's HTTP Basic authentication: user = merchant uuid, password = its secret
 * (any of its active secrets, so a rotation does not break callers). Secrets are compared as
 * SHA-256 digests in constant time; an unknown merchant costs the same comparison.
 */
export type BasicAuthResult = { ok: true; merchant: MerchantRecord } | { ok: false; code: 'AUTH_001' | 'AUTH_002' };

const DUMMY = createHash('sha256').update('esipay: no such merchant').digest();

export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (!header || header.length > 1024) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function authenticateMerchant(store: Store, header: string | undefined): Promise<BasicAuthResult> {
  const creds = parseBasic(header);
  if (!creds || creds.user === '' || creds.password === '') return { ok: false, code: 'AUTH_001' };
  const merchant = MERCHANT_ID.test(creds.user) ? await store.getMerchant(creds.user) : undefined;
  const given = createHash('sha256').update(creds.password).digest();
  let match = false;
  for (const secret of merchant?.secrets ?? []) {
    if (timingSafeEqual(given, createHash('sha256').update(secret).digest())) match = true;
  }
  if (!merchant) timingSafeEqual(given, DUMMY);
  return merchant && match ? { ok: true, merchant } : { ok: false, code: 'AUTH_002' };
}
