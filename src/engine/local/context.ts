import { createHash, randomBytes } from 'node:crypto';
import type { Acquirer } from '../../acquirer/acquirer.js';
import type { CallbackSender } from '../../callback/sender.js';
import { readEnv } from '../../config/env.js';
import type { Notifiers } from '../../notify/notifier.js';
import { EsipayError, invalid, notFound } from '../../domain/errors.js';
import type { MerchantRecord, TransactionRecord } from '../../domain/types.js';
import type { Store, VersionedMerchant } from '../../store/store.js';
import type { MerchantCache } from './merchant-cache.js';
import { addMs, type Clock } from '../../util/clock.js';
import { sameIp } from '../../util/ip.js';
import { printable } from '../../util/printable.js';

/** Everything the local use cases share: the store and the outside world, injected. */
export interface EngineContext {
  store: Store;
  acquirer: Acquirer;
  callbacks: CallbackSender;
  clock: Clock;
  /** Key of the keyed card hash (HMAC-SHA256). */
  cardKey: Buffer;
  /** How long a return URL may take before the payment is cancelled. */
  callbackTimeoutMs: number;
  /** Base URL of the service for links handed to consumers (http://host:6543). */
  publicUrl: string;
  /**
   * Called after a write that queued an outbox message, so the deliverer of this process sends it
   * now rather than at its next poll. A latency hint only: the store stays the source of truth.
   */
  outboxWritten: () => void;
  /**
   * The email/SMS senders of payment links (email_option, sms_option), made on first use: a
   * command that sends no link (`esipay pay`, `tx list`) does not load them.
   */
  notifiers: LazyNotifiers;
  /** How long the acquirer may take: the acquirer above is bounded by it (acquirer/time-limit.ts). */
  acquirerTimeoutMs: number;
  /** Past the timeouts, how long before a PENDING record counts as abandoned (clock skew, slow commits). */
  abandonGraceMs: number;
  /** The merchants read for payments, checked by each payment's insert (merchant-cache.ts). */
  merchants: MerchantCache;
}

export interface EngineOptions {
  acquirer?: Acquirer;
  callbacks?: CallbackSender;
  clock?: Clock;
  callbackTimeoutMs?: number;
  publicUrl?: string;
  /** Default: what ESIPAY_SMTP_URL and ESIPAY_SMS_URL configure (notifiersFromEnv). */
  notifiers?: Notifiers;
  /** Hex; otherwise ESIPAY_CARD_KEY, otherwise a key generated once and kept in the store. */
  cardKey?: string;
  /** The outbox deliverer's wake-up (the service passes its deliverer's); none by default. */
  onOutboxWrite?: () => void;
  /** Default: ESIPAY_ACQUIRER_TIMEOUT_MS (30 s). */
  acquirerTimeoutMs?: number;
  /** Default: ESIPAY_ABANDON_GRACE_MS (30 s). */
  abandonGraceMs?: number;
}

export const DEFAULT_CALLBACK_TIMEOUT_MS = 10_000;

/**
 * The deadline of a record written PENDING before the acquirer is asked (a shipment, an initial
 * verification): past it, no live instance can still be waiting for that answer, so the sweep may
 * cancel it and release its hold.
 */
export const acquirerDeadline = (ctx: EngineContext, now: Date): string => addMs(now, ctx.acquirerTimeoutMs + ctx.abandonGraceMs);

/** The card-hash key: given, from the environment, or created once per database. */
export async function resolveCardKey(store: Store, given?: string): Promise<Buffer> {
  const hex = given ?? readEnv('ESIPAY_CARD_KEY');
  if (hex) {
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw invalid('invalid_card_key', 'ESIPAY_CARD_KEY must be 64 hex characters (32 bytes)');
    return Buffer.from(hex, 'hex');
  }
  return Buffer.from(await store.initSetting('card_hash_key', randomBytes(32).toString('hex')), 'hex');
}

export async function requireMerchant(ctx: EngineContext, id: string): Promise<MerchantRecord> {
  const m = typeof id === 'string' && id.length <= 64 ? await ctx.store.getMerchant(id) : undefined;
  if (!m) throw unknownMerchant(id);
  return m;
}

/** requireMerchant with the row version it was read at (see merchant-cache.ts). */
export async function requireMerchantVersioned(ctx: EngineContext, id: string): Promise<VersionedMerchant> {
  const read = typeof id === 'string' && id.length <= 64 ? await ctx.store.getMerchantVersioned(id) : undefined;
  if (!read) throw unknownMerchant(id);
  return read;
}

const unknownMerchant = (id: string) =>
  notFound('unknown_merchant', `no merchant ${printableId(id)}`, 'check the uuid with `esipay merchant list`');

export function checkCallerIp(merchant: MerchantRecord, callerIp: string | undefined): void {
  if (callerIp !== undefined && !sameIp(callerIp, merchant.ip)) {
    throw new EsipayError(
      'forbidden',
      'forbidden_ip',
      `requests for merchant ${merchant.id} must come from its registered server address`,
      'call from the server address given at registration',
    );
  }
}

/** A transaction of this merchant (or any, when merchant is undefined), else unknown_transaction. */
export async function requireTransaction(ctx: EngineContext, id: string, merchantId?: string): Promise<TransactionRecord> {
  const tx = typeof id === 'string' && id.length <= 64 ? await ctx.store.getTransaction(id) : undefined;
  if (!tx || (merchantId !== undefined && tx.merchantId !== merchantId)) {
    throw notFound('unknown_transaction', `no transaction ${printableId(id)}`, 'check the id with `esipay tx list`');
  }
  return tx;
}

export const fingerprint = (...parts: (string | number | null | undefined)[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex');

export const printableId = (id: unknown): string => printable(id, { spaces: true });

/** A merchant reference (cid, orderId…): 1 to 64 printable characters, no slash (it travels in a URL path). */
export function checkReference(code: string, what: string, value: unknown, max = 64): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(code, `${what} is required`);
  if (value.length > max) throw invalid(code, `${what} is longer than ${max} characters`);
  if (!/^[\x21-\x7e]+$/.test(value) || value.includes('/')) {
    throw invalid(code, `${what} may only hold printable characters without spaces or "/"`);
  }
  return value;
}

/** Link senders made on first call; `made()` says which were made (to close them), without making them. */
export interface LazyNotifiers {
  (): Promise<Notifiers>;
  made(): Promise<Notifiers | undefined>;
}

/** The link senders given, or those ESIPAY_SMTP_URL and ESIPAY_SMS_URL configure, made once on first use. */
export function lazyNotifiers(given: Notifiers | undefined): LazyNotifiers {
  let made: Promise<Notifiers> | undefined = given ? Promise.resolve(given) : undefined;
  const get = () => (made ??= import('../../notify/from-env.js').then((m) => m.notifiersFromEnv()));
  return Object.assign(get, { made: () => made ?? Promise.resolve(undefined) });
}
