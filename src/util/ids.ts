import { randomBytes, randomUUID } from 'node:crypto';
import { randomHex } from './random.js';

/** Merchants are identified by an RFC 4122 UUID, as the v2 seed calls it ("uuid"). */
export const newMerchantId = (): string => randomUUID();

/**
 * Transactions, refunds, links: 32 hex characters, the V4 API's uuid form. The first 16 are the
 * time in milliseconds and a counter, so ids made one after the other sort in that order even
 * within one millisecond (lists order by creation time, then id); the last 16 are random.
 */
export function newId(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter > 0xffff) {
    lastMs += 1; // more than 65,536 ids in one millisecond: borrow the next one
    counter = 0;
  }
  return lastMs.toString(16).padStart(12, '0') + counter.toString(16).padStart(4, '0') + randomHex(8);
}
let lastMs = 0;
let counter = 0;

/** Secrets and tokens: 32 random bytes, base64url, with a prefix that says what they are. */
export const newSecret = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

export const MERCHANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const TX_ID = /^[0-9a-f]{32}$/;
