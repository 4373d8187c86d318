import { maskDigitRuns } from '../util/printable.js';

/**
 * One error type for everything a user can get wrong or that can go wrong outside esipay.
 * The kind decides the exit code of the CLI and the HTTP status of the v2 API; the code is a
 * stable machine-readable name; the message is one line saying what was wrong; the hint says
 * what to do next. Anything that is not an EsipayError is a bug (exit 1, HTTP 500, no details).
 */
export type ErrorKind =
  | 'invalid' // a parameter is wrong
  | 'not_found' // an unknown merchant, transaction, link
  | 'conflict' // a state that forbids the operation (over the remaining amount, a cid reused…)
  | 'forbidden' // wrong caller IP
  | 'unauthorized' // missing or wrong credentials
  | 'refused' // the card was declined
  | 'cancelled' // the merchant's return URL did not answer 200: payment cancelled
  | 'unavailable' // the acquirer, the database or the remote service cannot be reached
  | 'aborted' // the user said no (or pressed Esc or Ctrl-C) at a terminal prompt: nothing was done
  | 'internal'; // a bug

/** The kinds an HTTP answer can carry: all but aborted, which only the CLI's prompts raise. */
export const WIRE_ERROR_KINDS = [
  'invalid',
  'not_found',
  'conflict',
  'forbidden',
  'unauthorized',
  'refused',
  'cancelled',
  'unavailable',
  'internal',
] as const satisfies readonly Exclude<ErrorKind, 'aborted'>[];

export class EsipayError extends Error {
  override readonly name = 'EsipayError';
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly hint?: string,
    /** The transaction the error is about, when one was recorded (a declined or cancelled payment). */
    readonly transaction?: unknown,
  ) {
    // Messages and hints often quote what the caller sent: a card number in the wrong place never comes back.
    super(maskDigitRuns(message));
    if (hint !== undefined) this.hint = maskDigitRuns(hint);
  }
}

export const EXIT_CODES = {
  ok: 0,
  bug: 1,
  invalid: 2,
  forbidden: 3,
  refused: 4,
  unavailable: 5,
  aborted: 6,
} as const;

export function exitCodeOf(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid':
    case 'not_found':
    case 'conflict':
      return EXIT_CODES.invalid;
    case 'forbidden':
    case 'unauthorized':
      return EXIT_CODES.forbidden;
    case 'refused':
    case 'cancelled':
      return EXIT_CODES.refused;
    case 'unavailable':
      return EXIT_CODES.unavailable;
    case 'aborted':
      return EXIT_CODES.aborted;
    case 'internal':
      return EXIT_CODES.bug;
  }
}

/** The esipay v2 seed's statuses: 400 a parameter is wrong, 403 wrong IP, 500 service side. */
export function v2HttpStatusOf(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid':
    case 'not_found':
    case 'conflict':
    case 'refused':
    case 'aborted': // only the CLI's prompts: never answered over HTTP
      return 400;
    case 'forbidden':
    case 'unauthorized':
      return 403;
    case 'cancelled':
    case 'unavailable':
    case 'internal':
      return 500;
  }
}

/** The operator API is REST-shaped and uses the finer statuses. */
export function adminHttpStatusOf(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid':
    case 'aborted': // only the CLI's prompts: never answered over HTTP
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'refused':
      return 402;
    case 'cancelled':
    case 'internal':
      return 500;
    case 'unavailable':
      return 503;
  }
}

/** The kind back from an error code and HTTP status, for the remote engine. */
export function kindFromHttp(status: number): ErrorKind {
  if (status === 400) return 'invalid';
  if (status === 401) return 'unauthorized';
  if (status === 402) return 'refused';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 503 || status === 502 || status === 504) return 'unavailable';
  return 'internal';
}

export const invalid = (code: string, message: string, hint?: string) => new EsipayError('invalid', code, message, hint);
export const notFound = (code: string, message: string, hint?: string) => new EsipayError('not_found', code, message, hint);
export const conflict = (code: string, message: string, hint?: string) => new EsipayError('conflict', code, message, hint);
export const unavailable = (code: string, message: string, hint?: string) => new EsipayError('unavailable', code, message, hint);

export function isEsipayError(e: unknown): e is EsipayError {
  return e instanceof EsipayError;
}
