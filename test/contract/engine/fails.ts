import assert from 'node:assert/strict';
import { type ErrorKind, EsipayError } from '../../../src/domain/errors.js';

/** The engine call fails with exactly this kind and code, and a one-line message; returns the error. */
export async function fails(p: Promise<unknown>, kind: ErrorKind, code: string): Promise<EsipayError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(
    caught instanceof EsipayError,
    `expected an EsipayError ${kind}/${code}, got ${caught instanceof Error ? caught.stack : String(caught)}`,
  );
  assert.deepEqual({ kind: caught.kind, code: caught.code }, { kind, code }, caught.message);
  assert.ok(caught.message.length > 0 && !caught.message.includes('\n'), 'a one-line message');
  return caught;
}
