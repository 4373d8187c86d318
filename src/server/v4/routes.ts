import { redactPans } from '../../card/card.js';
import { printable } from '../../util/printable.js';
import { EsipayError } from '../../domain/errors.js';
import type { MerchantRecord } from '../../domain/types.js';
import type { ServiceDeps } from '../deps.js';
import { type HttpAnswer, HttpError, type HttpRequest, type Route } from '../http.js';
import { authenticate } from './auth.js';
import { v4ErrorFromException, v4ErrorOf } from './codes.js';
import { v4Error, v4Success } from './envelope.js';
import { V4Failure, WEB_SERVICES } from './handlers.js';
import { payformRoutes } from './payform.js';

/**
 * The V4 JSON API (seed 001, payment at shipment) under /api-payment/V4/<Namespace>/<Service>,
 * POST only, HTTP Basic authentication (merchant uuid : secret), and the hosted payment page
 * of its formTokens under /payform/. docs/v4-api.md documents it.
 */
export function v4Routes(deps: ServiceDeps): Route[] {
  return [
    (req) => (req.rawPath === '/api-payment' || req.rawPath.startsWith('/api-payment/') ? handle(deps, req) : undefined),
    ...payformRoutes(deps),
  ];
}

const PREFIX = '/api-payment/V4/';

async function handle(deps: ServiceDeps, req: HttpRequest): Promise<HttpAnswer> {
  const now = () => deps.engine.clock();
  const name = req.rawPath.startsWith(PREFIX) ? req.rawPath.slice(PREFIX.length) : '';
  const service = Object.hasOwn(WEB_SERVICES, name) ? WEB_SERVICES[name] : undefined;
  const webService = service ? name : printable(name || req.rawPath, { max: 80 });
  if (!service) {
    return v4Error(webService, v4ErrorOf('ESI_404', `no web service ${webService}; see docs/v4-api.md for the list`), now(), 404);
  }
  if (req.method !== 'POST') {
    return v4Error(webService, v4ErrorOf('ESI_405', 'web services are called with POST'), now(), 405, null, { headers: { allow: 'POST' } });
  }
  let auth: Awaited<ReturnType<typeof authenticate>>;
  try {
    auth = await authenticate(deps.store, req.headers.authorization);
  } catch (e) {
    return failed(deps, webService, e, now(), null);
  }
  if (!auth.ok) {
    const challenge = auth.httpStatus === 401 ? { headers: { 'www-authenticate': 'Basic realm="esipay V4", charset="UTF-8"' } } : {};
    return v4Error(webService, v4ErrorOf(auth.errorCode, auth.reason), now(), auth.httpStatus, null, challenge);
  }
  const merchant: MerchantRecord = auth.merchant;
  let body: unknown;
  try {
    const raw = (await req.body()).toString('utf8');
    body = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch (e) {
    if (e instanceof HttpError && e.status === 413) {
      return v4Error(webService, v4ErrorOf('ESI_413', e.message), now(), 413, merchant.id, { headers: { connection: 'close' } });
    }
    if (e instanceof HttpError) return v4Error(webService, v4ErrorOf('INT_902', e.message), now(), e.status, merchant.id);
    return v4Error(webService, v4ErrorOf('INT_902', "can't decode JSON data"), now(), 200, merchant.id);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return v4Error(webService, v4ErrorOf('INT_902', 'the body must be a JSON object'), now(), 200, merchant.id);
  }
  try {
    return v4Success(webService, await service({ deps, merchant, req, body }), now());
  } catch (e) {
    if (e instanceof V4Failure) return v4Error(webService, e.error, now(), 200, merchant.id);
    return failed(deps, webService, e, now(), merchant.id);
  }
}

/** An exception as the V4 envelope: a bug is logged here with its stack; an outage goes to the app's failure report. */
function failed(deps: ServiceDeps, webService: string, e: unknown, now: Date, shopId: string | null): HttpAnswer {
  const error = v4ErrorFromException(e);
  if (error.errorCode === 'ESI_500') deps.log?.(`bug in V4 ${webService}: ${redactPans((e as Error)?.stack ?? String(e))}`);
  const outage = e instanceof EsipayError && e.kind === 'unavailable' ? { failure: e } : {};
  return v4Error(webService, error, now, error.errorCode === 'ESI_500' ? 500 : 200, shopId, outage);
}
