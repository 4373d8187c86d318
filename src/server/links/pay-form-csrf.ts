import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The pay form's anti-forgery token: issued with each render, bound to the link it was rendered
 * for and to its time, signed with a key the engine derives from the installation's secret key
 * (links.payFormKey()). A form posted to another link, forged, or older than CSRF_TOKEN_TTL_S is
 * refused (FORM_001) and the page renders afresh. No cookie is needed: the token travels in the form.
 * (Not the V4 formToken, which carries an order to pay: v4/payment-form-token.ts.)
 */
export const CSRF_TOKEN_TTL_S = 60 * 60;

export function issueCsrfToken(key: Buffer, linkId: string, nowS: number): string {
  const nonce = randomBytes(16).toString('base64url');
  return `${nowS}.${nonce}.${mac(key, linkId, nowS, nonce)}`;
}

export function checkCsrfToken(key: Buffer, linkId: string, token: string | null | undefined, nowS: number): boolean {
  if (typeof token !== 'string' || token.length > 200) return false;
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return false;
  const issued = Number(m[1]);
  if (nowS - issued > CSRF_TOKEN_TTL_S || issued - nowS > 60) return false;
  const expected = Buffer.from(mac(key, linkId, issued, m[2]!));
  const given = Buffer.from(m[3]!);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function mac(key: Buffer, linkId: string, issued: number, nonce: string): string {
  return createHmac('sha256', key).update(`${linkId}|${issued}|${nonce}`).digest('base64url');
}
