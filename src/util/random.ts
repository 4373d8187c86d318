import { randomFillSync } from 'node:crypto';

/**
 * Random hex for ids and simulated codes, from a pool that the CSPRNG refills 4 KiB at a time
 * (as node's own randomUUID does): randomBytes() per id cost about 3 µs of a payment's CPU each,
 * three times per payment. No byte is handed out twice. Not for what must stay secret (merchant
 * secrets, keys, link and operator tokens): those keep randomBytes, so they never sit in a
 * long-lived buffer.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

export function randomHex(bytes: number): string {
  if (bytes > POOL_BYTES) throw new RangeError(`randomHex takes at most ${POOL_BYTES} bytes`);
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}
