import { invalid } from '../../domain/errors.js';
import type { MerchantRecord, MerchantView, MerchantWithSecret, Page } from '../../domain/types.js';
import { isCurrencyShaped, isKnownCurrency } from '../../money/currencies.js';
import { newMerchantId, newSecret } from '../../util/ids.js';
import { canonicalIp, isValidIp } from '../../util/ip.js';
import type { RegisterMerchantInput } from '../engine.js';
import { type EngineContext, requireMerchant } from './context.js';
import { decodeCursor, encodeCursor } from './views.js';

export async function registerMerchant(ctx: EngineContext, input: RegisterMerchantInput): Promise<MerchantWithSecret> {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length === 0 || name.length > 100 || /[\x00-\x1f]/.test(name)) {
    throw invalid('invalid_name', 'the merchant name must be 1 to 100 characters on one line');
  }
  if (typeof input.ip !== 'string' || !isValidIp(input.ip)) {
    throw invalid(
      'invalid_ip',
      `"${String(input.ip)}" is not an IPv4 or IPv6 address`,
      'give the address of the server that will call esipay',
    );
  }
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
    ip: canonicalIp(input.ip),
    returnUrl,
    notificationUrl,
    currency,
    secrets: [newSecret('whsec')],
    createdAt: ctx.clock().toISOString(),
  };
  await ctx.store.insertMerchant(merchant);
  return withSecret(merchant);
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
 * a merchant can deploy the new secret without rejecting callbacks in flight.
 */
export async function rotateMerchantSecret(ctx: EngineContext, id: string): Promise<MerchantWithSecret> {
  const m = await requireMerchant(ctx, id);
  const secrets = [newSecret('whsec'), ...m.secrets.slice(0, 1)];
  await ctx.store.setMerchantSecrets(m.id, secrets);
  return withSecret({ ...m, secrets });
}

export function toMerchantView(m: MerchantRecord): MerchantView {
  return {
    uuid: m.id,
    name: m.name,
    ip: m.ip,
    returnUrl: m.returnUrl,
    notificationUrl: m.notificationUrl,
    currency: m.currency,
    createdAt: m.createdAt,
  };
}

function withSecret(m: MerchantRecord): MerchantWithSecret {
  return { ...toMerchantView(m), secret: m.secrets[0]! };
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
