import { type ErrorKind, EsipayError, invalid, v2HttpStatusOf } from '../../domain/errors.js';
import { maskSegment, redactPath } from '../access-log.js';
import type { ServiceDeps } from '../deps.js';
import { errorAnswer } from '../error-answer.js';
import { idempotencyKeyOf } from '../idempotency-key.js';
import {
  decodeSegment,
  type HttpAnswer,
  type HttpRequest,
  jsonAnswer,
  LIMITS,
  methodNotAllowed,
  rawSegments,
  type Route,
} from '../http.js';
import type { RouteSpec } from '../router.js';

/**
 * The esipay v2 API, as the seed (000) defines it, on GET and POST alike:
 *   /cardpay/{uuid}/{cid}/{cardnumber}/{cardmonth}/{cardyear}/{amount}   payment
 *   /cardpay/{uuid}/{transaction}                                        full refund
 *   /cardpay/{uuid}/{transaction}/{amount}                               partial refund
 * A refund may carry an Idempotency-Key header: a retry with it answers the first refund again.
 * Statuses: 400 a parameter is wrong (unknown merchant or transaction, amount over what remains,
 * card declined included), 403 the caller is not the merchant's server, 500 service side
 * (the return URL did not answer 200 and the payment was cancelled, the acquirer failed), 200 done.
 */
export function v2Routes(deps: ServiceDeps): Route[] {
  return [(req) => (isV2Path(req.rawPath) ? handle(deps, req) : undefined)];
}

const PREFIX = 'cardpay';

export function isV2Path(rawPath: string): boolean {
  return rawSegments(rawPath)[0] === PREFIX;
}

/** What each parameter's error is called when its segment is unusable, so the code names the parameter. */
const PAY_PARAMS = [
  { name: 'uuid', kind: 'not_found', code: 'unknown_merchant' },
  { name: 'cid', kind: 'invalid', code: 'invalid_cid' },
  { name: 'cardnumber', kind: 'invalid', code: 'invalid_card_number' },
  { name: 'cardmonth', kind: 'invalid', code: 'invalid_card_month' },
  { name: 'cardyear', kind: 'invalid', code: 'invalid_card_year' },
  { name: 'amount', kind: 'invalid', code: 'invalid_amount' },
] as const satisfies readonly Param[];
const REFUND_PARAMS = [
  { name: 'uuid', kind: 'not_found', code: 'unknown_merchant' },
  { name: 'transaction', kind: 'not_found', code: 'unknown_transaction' },
  { name: 'amount', kind: 'invalid', code: 'invalid_amount' },
] as const satisfies readonly Param[];

interface Param {
  name: string;
  kind: ErrorKind;
  code: string;
}

/** The seed's methods: a merchant's server may send either. */
const METHODS = ['GET', 'POST'] as const;

/** The three v2 paths on both methods, made from the parameter tables the handler decodes with. */
export const V2_ROUTES: readonly RouteSpec[] = [PAY_PARAMS, REFUND_PARAMS.slice(0, 2), REFUND_PARAMS].flatMap((params) =>
  METHODS.map((method) => ({ method, path: `/${PREFIX}/${params.map((p) => `:${p.name}`).join('/')}` })),
);

async function handle(deps: ServiceDeps, req: HttpRequest): Promise<HttpAnswer> {
  const segments = rawSegments(req.rawPath).slice(1);
  const isPay = segments.length === PAY_PARAMS.length;
  // No logPath on these answers: app.ts logs a v2 path through v2LogPath (the card number
  // masked by its position), and only when there is an access log.
  if (!(METHODS as readonly string[]).includes(req.method)) {
    return methodNotAllowed(METHODS);
  }
  try {
    if (isPay) {
      const [merchant, cid, number, month, year, amount] = decodeParams(segments, PAY_PARAMS) as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      const tx = await deps.engine.pay({ merchant, cid, card: { number, month, year }, amount, callerIp: req.callerIp });
      return jsonAnswer(200, tx);
    }
    if (segments.length === REFUND_PARAMS.length - 1 || segments.length === REFUND_PARAMS.length) {
      const [merchant, transaction, amount] = decodeParams(segments, REFUND_PARAMS) as [string, string, string?];
      const key = idempotencyKeyOf(req);
      const outcome = await deps.engine.refund({
        merchant,
        transaction,
        ...(amount !== undefined ? { amount } : {}),
        callerIp: req.callerIp,
        ...(key !== undefined ? { idempotencyKey: key } : {}),
      });
      return jsonAnswer(200, outcome);
    }
    throw invalid(
      'invalid_path',
      `a /cardpay request has 2 parameters (refund), 3 (partial refund) or 6 (payment), not ${segments.length}`,
      'see /cardpay/{uuid}/{cid}/{cardnumber}/{cardmonth}/{cardyear}/{amount}',
    );
  } catch (e) {
    return errorAnswer(e, v2HttpStatusOf);
  }
}

/** Decodes each segment strictly; an unusable one is an error named after its parameter. */
function decodeParams(segments: string[], params: readonly Param[]): string[] {
  return segments.map((seg, i) => {
    const p = params[i]!;
    const fail = (why: string) => new EsipayError(p.kind, p.code, `the ${p.name} parameter ${why}`);
    if (seg.length === 0) throw fail('is empty');
    if (seg.length > LIMITS.maxSegmentBytes) throw fail(`is longer than ${LIMITS.maxSegmentBytes} characters`);
    const value = decodeSegment(seg);
    if (value === undefined) throw fail('holds an encoded "/", a control character or bad percent-encoding');
    if (value === '.' || value === '..') throw fail('may not be "." or ".."');
    return value;
  });
}

/** What the access log shows of a v2 path: the card segment of a payment masked by its position. */
export function v2LogPath(rawPath: string): string {
  return rawSegments(rawPath).length - 1 === PAY_PARAMS.length ? payLogPath(rawPath) : redactPath(rawPath);
}

function payLogPath(rawPath: string): string {
  const path = rawPath.split('?')[0]!;
  const parts = path.split('/');
  // ['', 'cardpay', uuid, cid, cardnumber, …]
  if (parts[4] !== undefined) parts[4] = maskSegment(parts[4]);
  return redactPath(parts.join('/'));
}
