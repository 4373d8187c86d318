import type { MerchantRecord } from '../../domain/types.js';
import type { Store } from '../../store/store.js';
import { MERCHANT_ID } from '../../util/ids.js';
import { authenticateBasic, type BasicAuthProblem } from '../basic-auth.js';

/**
 * HTTP Basic authentication of the V4 API (src/server/basic-auth.ts, shared with
 * get_link_payment), with the V4 API's own words for a refusal, answered as ESI_401.
 */
export type AuthResult =
  { ok: true; merchant: MerchantRecord } | { ok: false; reason: string; errorCode: 'ESI_401' | 'ESI_403'; httpStatus: 401 | 403 };

const WRONG = 'unknown merchant uuid or wrong secret';

const REASONS: Record<BasicAuthProblem, string> = {
  missing: 'an Authorization: Basic header with the merchant uuid and secret is required',
  no_colon: 'the Basic credentials must be uuid:secret',
  empty: WRONG,
  rejected: WRONG,
  disabled: 'the merchant is disabled: an operator must enable it again (esipay merchant enable)',
};

/** The V4 Basic-auth user: the merchant's 8-digit shop number, as on the platform, or its uuid. */
const SHOP_ID = /^\d{8}$/;
const V4_USER = new RegExp(`${SHOP_ID.source}|${MERCHANT_ID.source}`);
const findMerchant = (store: Store, user: string) => (SHOP_ID.test(user) ? store.getMerchantByShopId(user) : store.getMerchant(user));

export async function authenticate(store: Store, header: string | string[] | undefined): Promise<AuthResult> {
  const auth = await authenticateBasic(header, (user) => findMerchant(store, user), V4_USER);
  if (auth.ok) return auth;
  return auth.problem === 'disabled'
    ? { ok: false, reason: REASONS.disabled, errorCode: 'ESI_403', httpStatus: 403 }
    : { ok: false, reason: REASONS[auth.problem], errorCode: 'ESI_401', httpStatus: 401 };
}
