import type { MerchantRecord } from '../../domain/types.js';
import type { Store } from '../../store/store.js';
import { authenticateBasic, type BasicAuthProblem } from '../basic-auth.js';

/**
 * HTTP Basic authentication of the V4 API (src/server/basic-auth.ts, shared with
 * get_link_payment), with the V4 API's own words for a refusal, answered as ESI_401.
 */
export type AuthResult = { ok: true; merchant: MerchantRecord } | { ok: false; reason: string };

const WRONG = 'unknown merchant uuid or wrong secret';

const REASONS: Record<BasicAuthProblem, string> = {
  missing: 'an Authorization: Basic header with the merchant uuid and secret is required',
  no_colon: 'the Basic credentials must be uuid:secret',
  empty: WRONG,
  rejected: WRONG,
};

export async function authenticate(store: Store, header: string | string[] | undefined): Promise<AuthResult> {
  const auth = await authenticateBasic(header, (uuid) => store.getMerchant(uuid));
  return auth.ok ? auth : { ok: false, reason: REASONS[auth.problem] };
}
