import { createHash, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/store.js';
import { newSecret } from '../../util/ids.js';

/**
 * The operator token guarding /admin/. Only its SHA-256 is kept (in the store's settings), so a
 * copy of the database does not give access. It is created on the first start and shown once;
 * ESIPAY_ADMIN_TOKEN (or --admin-token) sets it explicitly instead, which several instances over
 * one database, and tests, need. --new-admin-token replaces the stored one (a lost token).
 */
export const ADMIN_TOKEN_SETTING = 'admin_token_sha256';

export interface AdminTokenSetup {
  /** SHA-256 (hex) of the one token accepted. */
  hash: string;
  /** The token in clear when this start created it: to print once, never again. */
  created?: string;
}

export async function setUpAdminToken(store: Store, opts: { explicit?: string; renew?: boolean }): Promise<AdminTokenSetup> {
  if (opts.explicit) return { hash: sha256(opts.explicit) };
  const fresh = newSecret('esk');
  if (opts.renew) {
    await store.setSetting(ADMIN_TOKEN_SETTING, sha256(fresh));
    return { hash: sha256(fresh), created: fresh };
  }
  const held = await store.initSetting(ADMIN_TOKEN_SETTING, sha256(fresh));
  return held === sha256(fresh) ? { hash: held, created: fresh } : { hash: held };
}

/** Whether an Authorization header carries the token; constant time in the token. */
export function bearerMatches(header: string | undefined, hash: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(sha256(m[1]!), 'hex');
  const expected = Buffer.from(hash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
