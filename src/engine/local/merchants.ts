import { randomInt } from 'node:crypto';
import { EsipayError, invalid } from '../../domain/errors.js';
import type { MerchantRecord, MerchantView, MerchantWithSecret, Page } from '../../domain/types.js';
import { isCurrencyShaped, isKnownCurrency } from '../../money/currencies.js';
import { newMerchantId, newSecret } from '../../util/ids.js';
import { canonicalIp, isValidIp } from '../../util/ip.js';
import type { RegisterMerchantInput, UpdateMerchantInput } from '../engine.js';
import { type EngineContext, requireMerchant } from './context.js';
import { decodeCursor, encodeCursor } from './views.js';
import type { MerchantPatch } from '../../store/store.js';

export async function registerMerchant(ctx: EngineContext, input: RegisterMerchantInput): Promise<MerchantWithSecret> {
  const name = checkName(input.name);
  const ip = checkIp(input.ip);
  const returnUrl = checkUrl('invalid_return_url', 'the return URL', input.returnUrl);
  const notificationUrl = input.notificationUrl
    ? checkUrl('invalid_notification_url', 'the notification URL', input.notificationUrl)
    : null;
  const currency = input.currency ?? 'EUR';
  if (!isCurrencyShaped(currency) || !isKnownCurrency(currency)) {
    throw invalid('invalid_currency', `"${currency}" is not an ISO 4217 currency code`, 'use a code such as EUR, USD or JPY');
  }
  const merchant: MerchantRecord = {
    id: newMerchantId(),
    name,
    ip,
    returnUrl,
    notificationUrl,
    currency,
    secrets: [newSecret('whsec')],
    createdAt: ctx.clock().toISOString(),
    shopId: await freeShopId(ctx),
  };
  await ctx.store.insertMerchant(merchant);
  return withSecret(merchant);
}

/**
 * An 8-digit V4 shop number no merchant has yet, drawn at random (ten to a hundred million: never
 * a leading zero a client might strip). With 90 million numbers a draw is free almost always; the
 * unique index refuses the one-in-millions pair of registrations that draw the same at once.
 */
async function freeShopId(ctx: EngineContext): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const candidate = String(randomInt(10_000_000, 100_000_000));
    if (!(await ctx.store.getMerchantByShopId(candidate))) return candidate;
  }
  throw new EsipayError('internal', 'no_shop_id', 'no free shop number was found in 20 draws', 'register the merchant again');
}

export async function listMerchants(ctx: EngineContext, q: { limit?: number; cursor?: string } = {}): Promise<Page<MerchantView>> {
  const limit = clampLimit(q.limit);
  const after = decodeCursor(q.cursor);
  const rows = await ctx.store.listMerchants({ limit: limit + 1, ...(after ? { after } : {}) });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(toMerchantView), next: rows.length > limit && last ? encodeCursor(last) : null };
}

export async function getMerchant(ctx: EngineContext, id: string): Promise<MerchantView> {
  return toMerchantView(await requireMerchant(ctx, id));
}

/**
 * A new secret signs from now on; the previous one keeps verifying until the next rotation, so
 * a merchant can deploy the new secret without rejecting callbacks in flight. With
 * expirePrevious (a leaked secret), only the new one is kept: the old one stops working at once,
 * as a V4 and link password and for verifying what is signed from now on.
 */
export async function rotateMerchantSecret(
  ctx: EngineContext,
  id: string,
  opts: { expirePrevious?: boolean } = {},
): Promise<MerchantWithSecret> {
  const m = await requireMerchant(ctx, id);
  const secrets = [newSecret('whsec'), ...(opts.expirePrevious === true ? [] : m.secrets.slice(0, 1))];
  await ctx.store.setMerchantSecrets(m.id, secrets);
  return withSecret({ ...m, secrets });
}

export function toMerchantView(m: MerchantRecord): MerchantView {
  return {
    uuid: m.id,
    ...(m.shopId ? { shopId: m.shopId } : {}),
    name: m.name,
    ip: m.ip,
    returnUrl: m.returnUrl,
    notificationUrl: m.notificationUrl,
    currency: m.currency,
    createdAt: m.createdAt,
    status: m.disabledAt ? 'disabled' : 'active',
    disabledAt: m.disabledAt ?? null,
  };
}

function withSecret(m: MerchantRecord): MerchantWithSecret {
  return { ...toMerchantView(m), secret: m.secrets[0]! };
}

/** The merchant name, trimmed: 1 to 100 characters on one line. */
function checkName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length === 0 || name.length > 100 || /[\x00-\x1f]/.test(name)) {
    throw invalid('invalid_name', 'the merchant name must be 1 to 100 characters on one line');
  }
  return name;
}

/** The merchant server's address, canonical (src/util/ip.ts), so the caller check compares one spelling. */
function checkIp(value: unknown): string {
  if (typeof value !== 'string' || !isValidIp(value)) {
    throw invalid(
      'invalid_ip',
      `"${String(value)}" is not an IPv4 or IPv6 address`,
      'give the address of the server that will call esipay',
    );
  }
  return canonicalIp(value);
}

export function checkUrl(code: string, what: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) throw invalid(code, `${what} must be an http(s) URL of at most 2048 characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(code, `${what} "${value.slice(0, 60)}" is not a URL`, 'give a full URL such as http://127.0.0.1:4242/paid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(code, `${what} must use http or https`);
  return url.toString();
}

export function clampLimit(limit: number | undefined, max = 500): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1) throw invalid('invalid_limit', 'the limit must be a positive integer');
  return Math.min(limit, max);
}

/**
 * Changes what an operator may change after registration, checked as at registration; what is not
 * given stays. notificationUrl null (or '') goes back to the return URL for IPNs.
 */
export async function updateMerchant(ctx: EngineContext, id: string, input: UpdateMerchantInput): Promise<MerchantView> {
  const m = await requireMerchant(ctx, id);
  const given = typeof input === 'object' && input !== null ? input : {};
  const patch: MerchantPatch = {};
  if (given.name !== undefined) patch.name = checkName(given.name);
  if (given.ip !== undefined) patch.ip = checkIp(given.ip);
  if (given.returnUrl !== undefined) patch.returnUrl = checkUrl('invalid_return_url', 'the return URL', given.returnUrl);
  if (given.notificationUrl !== undefined) {
    patch.notificationUrl =
      given.notificationUrl === null || given.notificationUrl === ''
        ? null
        : checkUrl('invalid_notification_url', 'the notification URL', given.notificationUrl);
  }
  if (Object.keys(patch).length === 0) {
    throw invalid(
      'nothing_to_update',
      'nothing to change was given',
      'give at least one of --name, --ip, --return-url, --notification-url',
    );
  }
  return toMerchantView((await ctx.store.updateMerchant(m.id, patch)) ?? { ...m, ...patch });
}

/** Refuses the merchant's new requests from now on; disabling a disabled merchant changes nothing. */
export async function disableMerchant(ctx: EngineContext, id: string): Promise<MerchantView> {
  const m = await requireMerchant(ctx, id);
  if (m.disabledAt) return toMerchantView(m);
  const disabledAt = ctx.clock().toISOString();
  return toMerchantView((await ctx.store.updateMerchant(m.id, { disabledAt })) ?? { ...m, disabledAt });
}

export async function enableMerchant(ctx: EngineContext, id: string): Promise<MerchantView> {
  const m = await requireMerchant(ctx, id);
  if (!m.disabledAt) return toMerchantView(m);
  return toMerchantView((await ctx.store.updateMerchant(m.id, { disabledAt: null })) ?? { ...m, disabledAt: null });
}
