import { type ErrorKind, EsipayError } from '../domain/errors.js';
import { HttpError, type HttpAnswer, jsonAnswer } from './http.js';
import type { ErrorAnswer } from './wire/errors.js';

/**
 * Anything that is not an EsipayError (or an HttpError) is a bug: it is rethrown, so the app's
 * net reports it once with its stack and answers 500 internal. A route module never answers a
 * bare "internal" on its own, unseen.
 *
 * The one JSON shape of an error on the wire:
 *   {"error": {"code", "message", "kind", "hint"?}, "transaction"?}
 * `kind` lets a client (the remote engine) rebuild the very same EsipayError, since several kinds
 * share one HTTP status. A declined or cancelled payment also carries the transaction recorded.
 * Anything that is not an EsipayError is a bug: the answer says so and nothing more.
 */
export function errorAnswer(e: unknown, statusOf: (kind: ErrorKind) => number): HttpAnswer {
  if (e instanceof HttpError) {
    return jsonAnswer(
      e.status,
      { error: { code: e.code, message: e.message, kind: 'invalid' } } satisfies ErrorAnswer,
      e.status === 413 ? { headers: { connection: 'close' } } : {},
    );
  }
  if (e instanceof EsipayError) {
    const doc: ErrorAnswer = { error: { code: e.code, message: e.message, kind: e.kind } };
    if (e.hint) doc.error.hint = e.hint;
    if (e.transaction) doc.transaction = e.transaction as ErrorAnswer['transaction'];
    return jsonAnswer(statusOf(e.kind), doc, e.kind === 'unavailable' ? { failure: e } : {});
  }
  throw e;
}

export function internalErrorAnswer(): HttpAnswer {
  return jsonAnswer(500, { error: { code: 'internal', message: 'internal error', kind: 'internal' } } satisfies ErrorAnswer);
}

export function isBug(e: unknown): boolean {
  return !(e instanceof EsipayError) && !(e instanceof HttpError);
}
