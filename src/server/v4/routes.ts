import { redactPans } from '../../card/card.js';
import { newId } from '../../util/ids.js';
import { printable } from '../../util/printable.js';
import { EsipayError } from '../../domain/errors.js';
import type { MerchantRecord } from '../../domain/types.js';
import type { ServiceDeps } from '../deps.js';
import { type HttpAnswer, HttpError, type HttpRequest, type Route } from '../http.js';
import { authenticate } from './auth.js';
import { v4ErrorFromException, v4ErrorOf } from './codes.js';
import { type EnvelopeContext, v4Error, v4Success } from './envelope.js';
import { V4Failure, type WebService, WEB_SERVICES } from './handlers.js';
import { shopIdOf } from './objects.js';
import { payformRoutes } from './payform.js';

/**
 * The V4 JSON API (seed 001: payment at shipment, and immediate payments) under
 * /api-payment/V4/<Namespace>/<Service>, POST only, HTTP Basic authentication (shop number or
 * merchant uuid : secret), and the hosted payment page of its formTokens under /payform/.
 * docs/v4-api.md documents it.
 */
export function v4Routes(deps: ServiceDeps): Route[] {
  return [
    (req) => (req.rawPath === '/api-payment' || req.rawPath.startsWith('/api-payment/') ? handle(deps, req) : undefined),
    ...payformRoutes(deps),
  ];
}

/** Where the web services are: V4_PREFIX + "<Namespace>/<Service>", POST only. */
export const V4_PREFIX = '/api-payment/V4/';
const SERVICES: Readonly<Record<string, WebService>> = WEB_SERVICES;

async function handle(deps: ServiceDeps, req: HttpRequest): Promise<HttpAnswer> {
  const name = req.rawPath.startsWith(V4_PREFIX) ? req.rawPath.slice(V4_PREFIX.length) : '';
  const service = Object.hasOwn(SERVICES, name) ? SERVICES[name] : undefined;
  const webService = service ? name : printable(name || req.rawPath, { max: 80 });
  // Each envelope is dated when it is made: a call's answer comes after what the call did.
  const ctx = (): EnvelopeContext => ({ webService, now: deps.engine.clock(), serverUrl: deps.publicUrl });
  if (!service) {
    return v4Error(ctx(), v4ErrorOf('ESI_404', `no web service ${webService}; see docs/v4-api.md for the list`), { httpStatus: 404 });
  }
  if (req.method !== 'POST') {
    return v4Error(ctx(), v4ErrorOf('ESI_405', 'web services are called with POST'), {
      httpStatus: 405,
      extra: { headers: { allow: 'POST' } },
    });
  }
  let auth: Awaited<ReturnType<typeof authenticate>>;
  try {
    auth = await authenticate(deps.store, req.headers.authorization);
  } catch (e) {
    return failed(deps, ctx(), e, null);
  }
  if (!auth.ok) {
    const challenge = auth.httpStatus === 401 ? { headers: { 'www-authenticate': 'Basic realm="esipay V4", charset="UTF-8"' } } : {};
    return v4Error(ctx(), v4ErrorOf(auth.errorCode, auth.reason), { httpStatus: auth.httpStatus, extra: challenge });
  }
  const merchant: MerchantRecord = auth.merchant;
  const shopId = shopIdOf(merchant);
  let body: unknown;
  try {
    const raw = (await req.body()).toString('utf8');
    body = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch (e) {
    if (e instanceof HttpError && e.status === 413) {
      return v4Error(ctx(), v4ErrorOf('ESI_413', e.message), { httpStatus: 413, shopId, extra: { headers: { connection: 'close' } } });
    }
    if (e instanceof HttpError) return v4Error(ctx(), v4ErrorOf('INT_902', e.message), { httpStatus: e.status, shopId });
    return v4Error(ctx(), v4ErrorOf('INT_902', "can't decode JSON data"), { shopId });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return v4Error(ctx(), v4ErrorOf('INT_902', 'the body must be a JSON object'), { shopId });
  }
  try {
    const answer = await service({ deps, merchant, req, body });
    return v4Success(ctx(), answer);
  } catch (e) {
    if (e instanceof V4Failure) return v4Error(ctx(), e.error, { shopId });
    return failed(deps, ctx(), e, shopId);
  }
}

/**
 * An exception as the V4 envelope: a bug is logged here with its stack, under the ticket the
 * answer names (so the operator finds it); an outage goes to the app's failure report.
 */
function failed(deps: ServiceDeps, ctx: EnvelopeContext, e: unknown, shopId: string | null): HttpAnswer {
  const error = v4ErrorFromException(e);
  const ticket = newId();
  const bug = error.errorCode === 'ESI_500';
  if (bug) deps.log?.(`bug in V4 ${ctx.webService} (ticket ${ticket}): ${redactPans((e as Error)?.stack ?? String(e))}`);
  const outage = e instanceof EsipayError && e.kind === 'unavailable' ? { failure: e } : {};
  return v4Error(ctx, error, { httpStatus: bug ? 500 : 200, shopId, ticket, extra: outage });
}
