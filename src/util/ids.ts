import { randomBytes, randomUUID } from 'node:crypto';

/** Merchants are identified by an RFC 4122 UUID, as the v2 seed calls it ("uuid"). */
export const newMerchantId = (): string => randomUUID();

/** Transactions, refunds, links: 32 hex characters, the V4 API's uuid form. */
export const newId = (): string => randomUUID().replaceAll('-', '');

/** Secrets and tokens: 32 random bytes, base64url, with a prefix that says what they are. */
export const newSecret = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

export const MERCHANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const TX_ID = /^[0-9a-f]{32}$/;
