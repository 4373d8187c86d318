import { readFileSync } from 'node:fs';
import { newId } from '../../util/ids.js';
import { type HttpAnswer, jsonAnswer } from '../http.js';
import { v4Mode } from './mode.js';

/**
 * The V4 web-service envelope, as the seed (001) shows it: every answer, success or error, is
 *   {webService, version: "V4", applicationVersion, status: SUCCESS|ERROR, answer, _type: "V4/WebService/Response"}
 * and an error's answer is a V4/WebService/WebServiceError with errorCode, errorMessage,
 * detailedErrorCode and detailedErrorMessage.
 */
export const APPLICATION_VERSION = readVersion();

export interface V4ErrorAnswer {
  errorCode: string;
  errorMessage: string;
  detailedErrorCode: string | null;
  detailedErrorMessage: string | null;
}

/** What every envelope of one call says besides its answer: the web service, the time, the server. */
export interface EnvelopeContext {
  webService: string;
  now: Date;
  /** The service's public base URL, as the platform names the server that answered. */
  serverUrl: string;
}

export function v4Success(ctx: EnvelopeContext, answer: Record<string, unknown>): HttpAnswer {
  return jsonAnswer(200, envelope(ctx, 'SUCCESS', answer));
}

export interface ErrorOptions {
  /** HTTP 200 unless the web service never ran (see v4Error). */
  httpStatus?: number;
  /** The authenticated merchant's shop number, once known. */
  shopId?: string | null;
  /** The support ticket the answer names (a new one by default); the operator's log names it too for a bug. */
  ticket?: string;
  extra?: Partial<HttpAnswer>;
}

/**
 * An ERROR envelope. Like the platform it imitates, esipay answers it with HTTP 200 whenever the
 * web service itself ran (the status is in the body); only what happens before (a bad method, a
 * failed authentication, an unknown web service, a body too large) has its own HTTP status.
 */
export function v4Error(ctx: EnvelopeContext, error: V4ErrorAnswer, opts: ErrorOptions = {}): HttpAnswer {
  const answer = { ...error, ticket: opts.ticket ?? newId(), shopId: opts.shopId ?? null, _type: 'V4/WebService/WebServiceError' };
  return jsonAnswer(opts.httpStatus ?? 200, envelope(ctx, 'ERROR', answer), opts.extra ?? {});
}

function envelope(ctx: EnvelopeContext, status: 'SUCCESS' | 'ERROR', answer: Record<string, unknown>): Record<string, unknown> {
  return {
    webService: ctx.webService,
    version: 'V4',
    applicationVersion: APPLICATION_VERSION,
    status,
    answer,
    ticket: null,
    serverDate: isoSeconds(ctx.now),
    applicationProvider: 'ESIPAY',
    metadata: null,
    mode: v4Mode(),
    serverUrl: ctx.serverUrl,
    _type: 'V4/WebService/Response',
  };
}

/** "2030-01-10T10:00:00+00:00": the V4 API's date form. */
export function isoSeconds(d: Date | string): string {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return `esipay-${pkg.version ?? '0'}`;
  } catch {
    return 'esipay';
  }
}
