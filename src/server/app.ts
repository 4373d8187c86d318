import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { redactPans } from '../card/card.js';
import { adminHttpStatusOf } from '../domain/errors.js';
import { randomHex } from '../util/random.js';
import { accessLogJson, accessLogLine, redactPath } from './access-log.js';
import { adminRoutes } from './admin/routes.js';
import { callerIpOf } from './caller-ip.js';
import type { ServiceDeps } from './deps.js';
import { errorAnswer, internalErrorAnswer, isBug } from './error-answer.js';
import { healthRoutes } from './health.js';
import { type HttpAnswer, HttpError, type HttpRequest, jsonAnswer, LIMITS, onlyGet, type Route } from './http.js';
import { linkRoutes } from './links/routes.js';
import { type ServiceMetrics } from './metrics.js';
import { bearerMatches } from './admin/token.js';
import { openApiRoute } from './openapi-route.js';
import { METRICS_ROUTES } from './meta-routes.js';
import { routeLabel } from './route-label.js';
import { isV2Path, v2LogPath, v2Routes } from './v2/routes.js';
import { v4Routes } from './v4/routes.js';
import { withV4Mode } from './v4/mode.js';

export interface AppOptions {
  /** CIDRs of reverse proxies whose X-Forwarded-For is believed. */
  trustProxy: readonly string[];
  /** SHA-256 of the operator token. */
  adminTokenHash: string;
  /** Where the access log goes; undefined for none (--quiet). */
  accessLog: ((line: string) => void) | undefined;
  /** One text line per request (the default), or one JSON object per line (`--log-format json`). */
  logFormat?: 'text' | 'json';
  /** Where bugs are reported (stack traces, card numbers redacted); never to the client. */
  reportBug: (text: string) => void;
  /** Where failures that are not the caller's are reported (the database or the acquirer unavailable). */
  reportFailure?: (e: Error) => void;
  /** Counts every request for GET /metrics (behind the operator token); none without. */
  metrics?: ServiceMetrics;
  /** Set when shutdown begins: health turns 503 and answers close their connection. */
  state: { stopping: boolean };
}

/** How long a client may take to send its body once the request has begun. */
const BODY_TIMEOUT_MS = 15_000;

/**
 * The request handler of `esipay serve`: limits, caller address, the route modules in order
 * (health, metrics, the OpenAPI document, v2, operator API, V4, payment links), 404 when none
 * answers, one access-log line. A route module added here goes into the route table too
 * (src/server/openapi/route-table.ts), which the OpenAPI document is checked against.
 */
export function createApp(deps: ServiceDeps, opts: AppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const routes: Route[] = [
    ...healthRoutes(deps.store, opts.state, deps.engine.clock),
    ...(opts.metrics ? [metricsRoute(deps, opts.metrics, opts.adminTokenHash)] : []),
    openApiRoute(deps.publicUrl),
    ...v2Routes(deps),
    ...adminRoutes(deps, { tokenHash: opts.adminTokenHash }),
    ...v4Routes(deps),
    ...linkRoutes(deps),
  ];

  return (raw, res) => {
    const started = performance.now();
    const callerIp = callerIpOf(raw.socket.remoteAddress, raw.headers['x-forwarded-for'], opts.trustProxy);
    const req = toHttpRequest(raw, callerIp);
    const requestId = requestIdOf(raw.headers['x-request-id']);
    void withV4Mode(deps.engine.clockWatch.mode(), () => answer(routes, req, opts))
      .then((a) => {
        send(res, req, a, opts.state, requestId);
        const ms = performance.now() - started;
        if (a.failure) {
          opts.reportFailure?.(a.failure);
          opts.metrics?.failure(a.failure);
        }
        opts.metrics?.request(routeLabel(req.method, req.rawPath), a.status, ms);
        if (!opts.accessLog) return;
        const path = a.logPath ?? logPathOf(req.rawPath);
        if (opts.logFormat !== 'json') {
          opts.accessLog(accessLogLine(new Date(), req.method, path, a.status, ms, callerIp));
          return;
        }
        const merchant = merchantOfPath(req.rawPath);
        opts.accessLog(
          accessLogJson({
            at: new Date(),
            requestId,
            method: req.method,
            route: routeLabel(req.method, req.rawPath),
            path,
            status: a.status,
            ms,
            callerIp,
            ...(merchant ? { merchant } : {}),
          }),
        );
      })
      .catch((e: unknown) => opts.reportBug(`bug while answering: ${redactPans((e as Error)?.stack ?? String(e))}`));
  };
}

async function answer(routes: Route[], req: HttpRequest, opts: AppOptions): Promise<HttpAnswer> {
  if ((req.raw.url ?? '').length > LIMITS.maxUrlBytes) {
    return jsonAnswer(
      414,
      { error: { code: 'uri_too_long', message: `the request target is longer than ${LIMITS.maxUrlBytes} bytes`, kind: 'invalid' } },
      { logPath: logPathOf(req.rawPath) },
    );
  }
  if (!req.rawPath.startsWith('/')) {
    return jsonAnswer(
      400,
      { error: { code: 'invalid_path', message: 'the request target must be a path', kind: 'invalid' } },
      { logPath: '-' },
    );
  }
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > LIMITS.maxBodyBytes) {
    return jsonAnswer(
      413,
      { error: { code: 'body_too_large', message: `the body is larger than ${LIMITS.maxBodyBytes} bytes`, kind: 'invalid' } },
      { headers: { connection: 'close' } },
    );
  }
  try {
    for (const route of routes) {
      const a = await route(req);
      if (a) return a;
    }
    return jsonAnswer(404, { error: { code: 'not_found', message: 'no such endpoint', kind: 'not_found' } });
  } catch (e) {
    // Route modules answer their own errors; this is the net under them.
    if (isBug(e)) {
      opts.reportBug(`bug in ${req.method} ${logPathOf(req.rawPath)}: ${redactPans((e as Error)?.stack ?? String(e))}`);
      return internalErrorAnswer();
    }
    return errorAnswer(e, adminHttpStatusOf);
  }
}

/** The path as the access log shows it, card numbers masked (by position on v2 payment paths). */
function logPathOf(rawPath: string): string {
  return isV2Path(rawPath) ? v2LogPath(rawPath) : redactPath(rawPath);
}

/** The caller's X-Request-Id when it is a plain token, else a new one: every answer carries it, and the JSON log. */
function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomHex(8);
}

/** The merchant a v2 or operator path names (its uuid), for the structured log. */
function merchantOfPath(rawPath: string): string | undefined {
  const s = rawPath.split('?')[0]!.split('/');
  const id = s[1] === 'cardpay' ? s[2] : s[1] === 'admin' && s[2] === 'merchants' ? s[3] : undefined;
  return id !== undefined && /^[0-9a-f-]{32,36}$/i.test(id) ? id : undefined;
}

function send(res: ServerResponse, req: HttpRequest, a: HttpAnswer, state: { stopping: boolean }, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = a.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(a.body) ? a.body : Buffer.from(a.body);
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    ...a.headers,
    'x-request-id': requestId,
    'content-length': String(body.length),
  };
  if (state.stopping) headers.connection = 'close';
  res.writeHead(a.status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function toHttpRequest(raw: IncomingMessage, callerIp: string): HttpRequest {
  const target = raw.url ?? '/';
  const q = target.indexOf('?');
  let body: Promise<Buffer> | undefined;
  return {
    method: (raw.method ?? 'GET').toUpperCase(),
    rawPath: q === -1 ? target : target.slice(0, q),
    query: new URLSearchParams(q === -1 ? '' : target.slice(q + 1)),
    headers: raw.headers,
    callerIp,
    body: (maxBytes = LIMITS.maxBodyBytes) => (body ??= readBody(raw, maxBytes)),
    raw,
  };
}

function readBody(raw: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(raw.headers['content-length'] ?? 0) > maxBytes) {
      reject(new HttpError(413, 'body_too_large', `the body is larger than ${maxBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (e?: Error) => {
      clearTimeout(timer);
      raw.off('data', onData).off('end', onEnd).off('error', onError);
      if (e) {
        raw.pause();
        reject(e);
      } else resolve(Buffer.concat(chunks));
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) done(new HttpError(413, 'body_too_large', `the body is larger than ${maxBytes} bytes`));
      else chunks.push(c);
    };
    const onEnd = () => done();
    const onError = (e: Error) => done(new HttpError(400, 'body_unreadable', `the body could not be read: ${e.message}`));
    const timer = setTimeout(
      () => done(new HttpError(408, 'body_timeout', `the body did not arrive within ${BODY_TIMEOUT_MS} ms`)),
      BODY_TIMEOUT_MS,
    );
    raw.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** GET /metrics in the Prometheus text format, behind the operator token (a scraper sends it as a bearer token). */
function metricsRoute(deps: ServiceDeps, metrics: ServiceMetrics, tokenHash: string): Route {
  return async (req) => {
    if (req.rawPath !== METRICS_ROUTES[0]!.path) return undefined;
    const refused = onlyGet(req);
    if (refused) return refused;
    if (!bearerMatches(req.headers.authorization, tokenHash)) {
      return jsonAnswer(
        401,
        {
          error: {
            code: req.headers.authorization ? 'invalid_token' : 'missing_token',
            message: 'the metrics need the operator token',
            kind: 'unauthorized',
            hint: 'scrape with Authorization: Bearer <token> (Prometheus: authorization.credentials)',
          },
        },
        { headers: { 'www-authenticate': 'Bearer realm="esipay"' } },
      );
    }
    return {
      status: 200,
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
      body: await metrics.render(deps.store, deps.engine.clock()),
    };
  };
}
