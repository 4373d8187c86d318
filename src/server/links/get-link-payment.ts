import { isEsipayError } from '../../domain/errors.js';
import { linkCodeMeaning, linkError } from '../../domain/link-codes.js';
import { redactPans } from '../../card/card.js';
import { sameIp } from '../../util/ip.js';
import { authenticateBasic } from '../basic-auth.js';
import type { ServiceDeps } from '../deps.js';
import { type HttpAnswer, HttpError, type HttpRequest, jsonAnswer } from '../http.js';
import type { LinkPaymentAnswer } from '../wire/links.js';

/**
 * POST /get_link_payment, as the seed (002) defines it: always HTTP 200, with
 *   {"result": true, "link": "<public URL>/paypage?SDESSID=<token>"}   (+ pay_id, notifications)
 *   {"result": false, "code": "<code>", "message": "<one line>"}
 * Checks in this order: credentials (AUTH_001/002), caller IP (AUTH_003), body (FORMAT_*, then
 * each field in table order), meaning (AMOUNT_*, MODE_*, DURATION_001), payment_reference unused
 * (EXIST_001). Nothing is recorded unless the answer is true.
 */
export async function getLinkPayment(deps: ServiceDeps, req: HttpRequest): Promise<HttpAnswer> {
  try {
    const auth = await authenticateBasic(req.headers.authorization, (uuid) => deps.store.getMerchant(uuid));
    // AUTH_001: no usable credentials at all; AUTH_002: credentials that name no merchant's secret.
    // AUTH_005: a disabled merchant's own credentials, refused with 403 (the one answer that is not 200).
    if (!auth.ok && auth.problem === 'disabled') return refusal('AUTH_005', undefined, 403);
    if (!auth.ok) return refusal(auth.problem === 'rejected' ? 'AUTH_002' : 'AUTH_001');
    if (!sameIp(req.callerIp, auth.merchant.ip))
      return refusal('AUTH_003', `calls for this merchant must come from its registered address, not ${req.callerIp}`);
    const body = parseJson(await req.body());
    const view = await deps.engine.links.createLinkFromWire(auth.merchant, body);
    const wantsId = [true, 1, '1', 'true'].includes((body as Record<string, unknown>).get_pay_id as never);
    // Creating a link always gives its URL (only list and show cannot): none would be a bug, logged below.
    if (view.link === null) throw new Error('the new link came without its URL');
    return answer(200, {
      result: true,
      link: view.link,
      ...(wantsId ? { pay_id: view.id } : {}),
      ...(view.notifications ? { notifications: view.notifications } : {}),
    });
  } catch (e) {
    if (e instanceof HttpError) return refusal(e.status === 413 ? 'FORMAT_003' : 'FORMAT_001');
    if (isEsipayError(e) && linkCodeMeaning(e.code)) return refusal(e.code, e.message);
    if (isEsipayError(e) && e.kind === 'unavailable') return refusal('SERVER_002');
    deps.log?.(`get_link_payment failed: ${redactPans((e as Error)?.stack ?? String(e))}`);
    return refusal('SERVER_001');
  }
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw linkError('FORMAT_001', 'the body is not valid JSON');
  }
}

function refusal(code: string, message?: string, status = 200): HttpAnswer {
  return answer(status, { result: false, code, message: message ?? linkCodeMeaning(code) ?? code });
}

const answer = (status: number, value: LinkPaymentAnswer): HttpAnswer => jsonAnswer(status, value);
