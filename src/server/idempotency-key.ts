import { invalid } from '../domain/errors.js';
import type { HttpRequest } from './http.js';

/**
 * The idempotency key of a request to the v2 routes or the operator API: the `Idempotency-Key`
 * header (as on the V4 API), or on the operator API the body's `idempotencyKey` field; when both
 * are sent they must be the same key. The engine checks its form (invalid_idempotency_key).
 */
export function idempotencyKeyOf(req: HttpRequest, fromBody?: unknown): string | undefined {
  const sent = req.headers['idempotency-key'];
  // Node joins a header sent twice with ", ", which no key may hold: the engine refuses it.
  const header = Array.isArray(sent) ? sent.join(', ') : sent;
  if (fromBody === undefined || fromBody === null) return header;
  if (typeof fromBody !== 'string') throw invalid('invalid_idempotency_key', 'the idempotencyKey field must be a string');
  if (header !== undefined && header !== fromBody) {
    throw invalid('invalid_idempotency_key', 'the Idempotency-Key header and the idempotencyKey field differ', 'send the key once');
  }
  return fromBody;
}
