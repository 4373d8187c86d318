import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../../store/store.js';
import type { Echo } from './echo.js';

/**
 * The formToken CreatePayment answers when no card is sent: the order to pay, signed, handed to
 * the hosted page (/payform/<formToken>) where the buyer enters the card. Stateless: the order
 * travels in the token under an HMAC whose key is made once per database; valid 15 minutes, as
 * on the platform the API imitates. The nonce names the order's payment attempts, so the page
 * can authorise an order once only (see payform.ts). (Not the payment-link page's anti-forgery
 * token: links/pay-form-csrf.ts.) What the order sent that its payment echoes (customer details,
 * metadata, ipnTargetUrl) may be kilobytes, too long for a URL: it waits in the store under the
 * nonce until the token expires, and the token only says it is there.
 */
export interface FormOrder {
  merchant: string;
  amount: number;
  currency: string;
  /** '' when the merchant sent none. */
  orderId: string;
  email: string | null;
  /**
   * Payment at shipment (the initial multi-authorisation), or false: an immediate payment. A token
   * issued before esipay made immediate payments has none: it was for payment at shipment.
   */
  atShipment?: boolean;
  /** Whether the order's FormDetails wait in the store under the nonce. */
  hasDetails?: boolean;
  nonce: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** What the order sent that its payment echoes, and where its IPN goes instead of the merchant's URL. */
export interface FormDetails {
  echo: Echo;
  ipnTargetUrl: string | null;
}

export const FORM_TOKEN_TTL_MS = 15 * 60_000;

const keys = new WeakMap<Store, Promise<Buffer>>();

function formKey(store: Store): Promise<Buffer> {
  let key = keys.get(store);
  if (!key) {
    key = store.initSetting('v4_form_token_key', randomBytes(32).toString('hex')).then((hex) => Buffer.from(hex, 'hex'));
    keys.set(store, key);
  }
  return key;
}

export async function issueFormToken(
  store: Store,
  order: Omit<FormOrder, 'nonce' | 'expiresAt' | 'hasDetails'>,
  details: FormDetails,
  now: Date,
): Promise<string> {
  const nonce = randomBytes(12).toString('base64url');
  const expiresAt = now.getTime() + FORM_TOKEN_TTL_MS;
  const hasDetails =
    details.ipnTargetUrl !== null || details.echo.metadata !== null || Object.values(details.echo.customer).some((v) => v !== null);
  if (hasDetails) {
    await store.putV4FormDetails({
      nonce,
      merchantId: order.merchant,
      details: JSON.stringify(details),
      expiresAt: new Date(expiresAt).toISOString(),
      createdAt: now.toISOString(),
    });
  }
  const full: FormOrder = { ...order, ...(hasDetails ? { hasDetails } : {}), nonce, expiresAt };
  const payload = Buffer.from(JSON.stringify(full)).toString('base64url');
  return `${payload}.${sign(await formKey(store), payload)}`;
}

export type FormTokenResult = { ok: true; order: FormOrder; details: FormDetails | null } | { ok: false; reason: 'invalid' | 'expired' };

export async function readFormToken(store: Store, token: string, now: Date): Promise<FormTokenResult> {
  const m = /^([A-Za-z0-9_-]{1,1500})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(sign(await formKey(store), m[1]!));
  const given = Buffer.from(m[2]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  let order: FormOrder;
  try {
    order = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as FormOrder;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (order.expiresAt <= now.getTime()) return { ok: false, reason: 'expired' };
  if (!order.hasDetails) return { ok: true, order, details: null };
  const kept = await store.getV4FormDetails(order.nonce);
  // Signed and unexpired, so it was kept: gone only if the database was replaced meanwhile.
  if (!kept || kept.merchantId !== order.merchant) return { ok: false, reason: 'invalid' };
  return { ok: true, order, details: JSON.parse(kept.details) as FormDetails };
}

function sign(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}
