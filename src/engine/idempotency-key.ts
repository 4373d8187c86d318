import { invalid } from '../domain/errors.js';

/**
 * The form of every idempotency key esipay takes (initial payments, shipments, refunds): 1 to 128
 * printable ASCII characters without spaces, so it travels unchanged in an HTTP header, a JSON
 * field and a command-line argument alike. The local engine checks it; the remote engine too,
 * before sending it in a header (the service checks it again).
 */
export function checkIdempotencyKey(value: unknown): string {
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(value)) {
    throw invalid('invalid_idempotency_key', 'the idempotency key must be 1 to 128 printable characters without spaces');
  }
  return value;
}
