import { createHmac } from 'node:crypto';
import type { EngineContext } from '../context.js';

/**
 * The key that signs the pay page's anti-forgery token (src/server/links/pay-form-csrf.ts):
 * derived from the installation's secret key, so the page never holds that key itself and the
 * tokens it issued stay valid across restarts.
 */
export function payFormKey(ctx: EngineContext): Buffer {
  return createHmac('sha256', ctx.cardKey).update('esipay pay-page form token v1').digest();
}
