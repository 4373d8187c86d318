import { readFileSync } from 'node:fs';
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

export function v4Success(webService: string, answer: Record<string, unknown>, now: Date): HttpAnswer {
  return jsonAnswer(200, envelope(webService, 'SUCCESS', answer, now));
}

/**
 * An ERROR envelope. Like the platform it imitates, esipay answers it with HTTP 200 whenever the
 * web service itself ran (the status is in the body); only what happens before (a bad method, a
 * failed authentication, an unknown web service, a body too large) has its own HTTP status.
 */
export function v4Error(
  webService: string,
  error: V4ErrorAnswer,
  now: Date,
  httpStatus = 200,
  shopId: string | null = null,
  extra: Partial<HttpAnswer> = {},
): HttpAnswer {
  const answer = { ...error, ticket: null, shopId, _type: 'V4/WebService/WebServiceError' };
  return jsonAnswer(httpStatus, envelope(webService, 'ERROR', answer, now), extra);
}

function envelope(webService: string, status: 'SUCCESS' | 'ERROR', answer: Record<string, unknown>, now: Date): Record<string, unknown> {
  return {
    webService,
    version: 'V4',
    applicationVersion: APPLICATION_VERSION,
    status,
    answer,
    ticket: null,
    serverDate: isoSeconds(now),
    applicationProvider: 'ESIPAY',
    metadata: null,
    mode: v4Mode(),
    serverUrl: null,
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
