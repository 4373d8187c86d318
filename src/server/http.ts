import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The service's small HTTP layer (node:http, no framework): a route is a function that either
 * declines a request (returns undefined) or answers it. Route modules (v2, admin, V4, links,
 * pay page) each export a list of routes; app.ts assembles them in order.
 */
export interface HttpRequest {
  readonly method: string;
  /** The raw path, before any decoding (for the access log and strict segment parsing). */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  /** The caller's address (socket, or X-Forwarded-For from a trusted proxy), IPv4-mapped form normalised. */
  readonly callerIp: string;
  /** Reads the body, at most maxBytes (413 beyond). */
  body(maxBytes?: number): Promise<Buffer>;
  readonly raw: IncomingMessage;
}

export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** What the access log shows of the path when the raw path must not be logged (card numbers). */
  logPath?: string;
  /**
   * A failure that is not the caller's (the database or the acquirer is unavailable) behind this
   * answer: the app reports it to the operator, so no route module logs on its own and none forgets.
   */
  failure?: Error;
}

export type Route = (req: HttpRequest) => Promise<HttpAnswer | undefined> | HttpAnswer | undefined;

export function jsonAnswer(status: number, value: unknown, extra: Partial<HttpAnswer> = {}): HttpAnswer {
  return {
    status,
    ...extra,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra.headers },
    body: JSON.stringify(value),
  };
}

/** 405 with the methods a path takes in `Allow`; the message names those a client should use. */
export function methodNotAllowed(allow: readonly string[], use: readonly string[] = allow): HttpAnswer {
  return jsonAnswer(
    405,
    { error: { code: 'method_not_allowed', message: `use ${use.join(' or ')}`, kind: 'invalid' } },
    { headers: { allow: allow.join(', ') } },
  );
}

/** The 405 of a read-only path (GET, and HEAD with it) for any other method; undefined for those. */
export const onlyGet = (req: HttpRequest): HttpAnswer | undefined =>
  req.method === 'GET' || req.method === 'HEAD' ? undefined : methodNotAllowed(['GET', 'HEAD'], ['GET']);

export function htmlAnswer(status: number, html: string, extra: Partial<HttpAnswer> = {}): HttpAnswer {
  return {
    status,
    ...extra,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...extra.headers },
    body: html,
  };
}

/** Splits "/a/b/c" into raw segments (still percent-encoded); "" segments are kept so "//" is visible. */
export function rawSegments(rawPath: string): string[] {
  return rawPath.split('?')[0]!.split('/').slice(1);
}

/** Decodes one path segment, or undefined when it is malformed or decodes to a "/" or a control character. */
export function decodeSegment(seg: string): string | undefined {
  try {
    const v = decodeURIComponent(seg);
    if (v.includes('/') || /[\x00-\x1f\x7f]/.test(v)) return undefined;
    return v;
  } catch {
    return undefined;
  }
}

export type { IncomingMessage, ServerResponse };

/**
 * A failure of the HTTP exchange itself rather than of a use case (a body too large, a malformed
 * body): app.ts answers it with its own status.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Limits every request is held to (slow or huge requests must not exhaust the service). */
export const LIMITS = {
  /** Longest request target (path + query) accepted: 414 beyond. */
  maxUrlBytes: 2048,
  /** Largest request body: 413 beyond. */
  maxBodyBytes: 64 * 1024,
  /** Longest accepted path segment before decoding. */
  maxSegmentBytes: 256,
} as const;
