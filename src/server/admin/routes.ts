import { adminHttpStatusOf, invalid } from '../../domain/errors.js';
import type { CreateInitialInput, CreateLinkInput, CreateShipmentInput, ListTransactionsInput } from '../../engine/engine.js';
import type { ServiceDeps } from '../deps.js';
import { errorAnswer } from '../error-answer.js';
import { idempotencyKeyOf } from '../idempotency-key.js';
import { type HttpAnswer, type HttpRequest, jsonAnswer, methodNotAllowed, rawSegments, type Route } from '../http.js';
import { type Endpoint, matchEndpoint } from '../router.js';
import { bearerMatches } from './token.js';
import { merchantLifecycleEndpoints } from './merchant-lifecycle.js';
import { clockEndpoints } from './clock.js';

/**
 * The operator API: JSON over /admin/, behind `Authorization: Bearer <token>`. Every Engine
 * method the v2 routes do not carry has an endpoint here, so the remote engine can run every CLI
 * command. Errors are {"error": {code, message, kind, hint?}} with REST statuses
 * (adminHttpStatusOf). docs/service.md lists the endpoints.
 */
export function adminRoutes(deps: ServiceDeps, auth: { tokenHash: string }): Route[] {
  const endpoints = adminEndpoints(deps);
  return [
    async (req) => {
      if (rawSegments(req.rawPath)[0] !== 'admin') return undefined;
      const header = req.headers.authorization;
      if (!bearerMatches(header, auth.tokenHash)) {
        return jsonAnswer(
          401,
          {
            error: {
              code: header ? 'invalid_token' : 'missing_token',
              message: header ? 'the operator token is not valid' : 'the operator API needs a bearer token',
              kind: 'unauthorized',
              hint: 'send Authorization: Bearer <token>; `esipay serve` prints the token on its first start, or set ESIPAY_ADMIN_TOKEN',
            },
          },
          { headers: { 'www-authenticate': 'Bearer realm="esipay"' } },
        );
      }
      try {
        const match = matchEndpoint(endpoints, req);
        if (match.kind === 'none')
          return jsonAnswer(404, { error: { code: 'not_found', message: 'no such operator endpoint', kind: 'not_found' } });
        if (match.kind === 'method') return methodNotAllowed(match.allow);
        return await match.run();
      } catch (e) {
        return errorAnswer(e, adminHttpStatusOf);
      }
    },
  ];
}

/** The operator endpoints; each handler reaches the engine only when called (the route table lists them without one). */
export function adminEndpoints({ engine }: Pick<ServiceDeps, 'engine'>): Endpoint[] {
  const ok = (value: unknown) => jsonAnswer(200, value);
  const created = (value: unknown) => jsonAnswer(201, value);
  return [
    { method: 'GET', path: '/admin/merchants', handler: async (req) => ok(await engine.listMerchants(page(req))) },
    {
      method: 'POST',
      path: '/admin/merchants',
      handler: async (req) => {
        const b = await jsonBody(req);
        return created(
          await engine.registerMerchant({
            name: b.name as string,
            ip: b.ip as string,
            returnUrl: b.returnUrl as string,
            ...(b.currency !== undefined ? { currency: b.currency as string } : {}),
            ...(b.notificationUrl !== undefined && b.notificationUrl !== null ? { notificationUrl: b.notificationUrl as string } : {}),
          }),
        );
      },
    },
    { method: 'GET', path: '/admin/merchants/:merchant', handler: async (_req, p) => ok(await engine.getMerchant(p.merchant!)) },
    {
      method: 'POST',
      path: '/admin/merchants/:merchant/rotate-secret',
      handler: async (req, p) => {
        const b = await jsonBody(req);
        if (b.expirePrevious !== undefined && typeof b.expirePrevious !== 'boolean')
          throw invalid('invalid_expire_previous', 'expirePrevious must be true or false');
        return ok(await engine.rotateMerchantSecret(p.merchant!, { expirePrevious: b.expirePrevious === true }));
      },
    },
    {
      method: 'GET',
      path: '/admin/merchants/:merchant/transactions',
      handler: async (req, p) => {
        const topLevel = req.query.get('top_level');
        return ok(
          await engine.listTransactions({
            merchant: p.merchant!,
            ...page(req),
            ...transactionFilters(req),
            ...(topLevel === 'true' || topLevel === '1' ? { topLevel: true } : {}),
          }),
        );
      },
    },
    {
      method: 'GET',
      path: '/admin/merchants/:merchant/transactions/:transaction',
      handler: async (_req, p) => ok(await engine.getTransaction(p.transaction!, p.merchant!)),
    },
    { method: 'GET', path: '/admin/merchants/:merchant/totals', handler: async (_req, p) => ok(await engine.merchantTotals(p.merchant!)) },
    {
      method: 'GET',
      path: '/admin/merchants/:merchant/links',
      handler: async (req, p) => ok(await engine.listLinks({ merchant: p.merchant!, ...page(req) })),
    },
    {
      method: 'GET',
      path: '/admin/transactions/:transaction',
      handler: async (req, p) => ok(await engine.getTransaction(p.transaction!, merchantOf(req))),
    },
    {
      method: 'POST',
      path: '/admin/transactions/:transaction/refunds',
      handler: async (req, p) => {
        const b = await jsonBody(req);
        const merchant = b.merchant ?? merchantOf(req);
        const key = idempotencyKeyOf(req, b.idempotencyKey);
        return created(
          await engine.refund({
            transaction: p.transaction!,
            ...(b.amount !== undefined && b.amount !== null ? { amount: String(b.amount) } : {}),
            ...(merchant !== undefined ? { merchant: String(merchant) } : {}),
            ...(key !== undefined ? { idempotencyKey: key } : {}),
          }),
        );
      },
    },
    {
      method: 'POST',
      path: '/admin/initials',
      handler: async (req) => created(await engine.createInitial((await keyedBody(req)) as unknown as CreateInitialInput)),
    },
    {
      method: 'POST',
      path: '/admin/shipments',
      handler: async (req) => created(await engine.createShipment((await keyedBody(req)) as unknown as CreateShipmentInput)),
    },
    {
      method: 'POST',
      path: '/admin/links',
      handler: async (req) => created(await engine.createLink((await jsonBody(req)) as unknown as CreateLinkInput)),
    },
    { method: 'GET', path: '/admin/links/:link', handler: async (req, p) => ok(await engine.getLink(p.link!, merchantOf(req))) },
    ...merchantLifecycleEndpoints(engine, jsonBody),
    ...clockEndpoints(engine, jsonBody),
    ...eventEndpoints(engine, ok),
  ];
}

/** Events (docs/events.md): list, the feed `events tail` polls (before :event, which would take "feed"), show, resend. */
function eventEndpoints(engine: ServiceDeps['engine'], ok: (value: unknown) => Promise<HttpAnswer> | HttpAnswer): Endpoint[] {
  const text = (req: HttpRequest, name: string) => req.query.get(name) ?? undefined;
  return [
    {
      method: 'GET',
      path: '/admin/events',
      handler: async (req) => {
        const filters = {
          merchant: text(req, 'merchant'),
          transaction: text(req, 'transaction'),
          type: text(req, 'type'),
          status: text(req, 'status'),
        };
        const given = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Record<string, string>;
        return ok(await engine.listEvents({ ...given, ...page(req) }));
      },
    },
    {
      method: 'GET',
      path: '/admin/events/feed',
      handler: async (req) => {
        const after = text(req, 'after');
        const { limit } = page(req);
        return ok(await engine.followEvents({ ...(after ? { after } : {}), ...(limit !== undefined ? { limit } : {}) }));
      },
    },
    { method: 'GET', path: '/admin/events/:event', handler: async (req, p) => ok(await engine.getEvent(p.event!, merchantOf(req))) },
    {
      method: 'POST',
      path: '/admin/events/:event/resend',
      handler: async (req, p) => ok(await engine.resendEvent(p.event!, merchantOf(req))),
    },
  ];
}

/** ?limit=&cursor= : a limit that is not a number goes to the engine as NaN, which refuses it. */
function page(req: HttpRequest): { limit?: number; cursor?: string } {
  const limit = req.query.get('limit');
  const cursor = req.query.get('cursor');
  return { ...(limit !== null ? { limit: /^\d+$/.test(limit) ? Number(limit) : Number.NaN } : {}), ...(cursor ? { cursor } : {}) };
}

/**
 * ?kind=&status=&since=&until=&cid=&cursor=, each passed on as sent when present (empty
 * included): the engine checks them and names the parameter in its error, so an empty or unknown
 * value is refused rather than ignored.
 */
function transactionFilters(req: HttpRequest): Pick<ListTransactionsInput, 'kinds' | 'statuses' | 'since' | 'until' | 'cid' | 'cursor'> {
  const given = (name: string) => req.query.get(name) ?? undefined;
  return {
    kinds: given('kind')?.split(','),
    statuses: given('status')?.split(','),
    since: given('since'),
    until: given('until'),
    cid: given('cid'),
    cursor: given('cursor'),
  };
}

function merchantOf(req: HttpRequest): string | undefined {
  return req.query.get('merchant') ?? undefined;
}

/** The JSON body with its idempotencyKey taken from the Idempotency-Key header when sent there. */
async function keyedBody(req: HttpRequest): Promise<Record<string, unknown>> {
  const b = await jsonBody(req);
  const key = idempotencyKeyOf(req, b.idempotencyKey);
  return key !== undefined ? { ...b, idempotencyKey: key } : b;
}

async function jsonBody(req: HttpRequest): Promise<Record<string, unknown>> {
  const raw = (await req.body()).toString('utf8');
  if (raw.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalid('invalid_json', 'the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('invalid_json', 'the body must be a JSON object');
  return value as Record<string, unknown>;
}
