import { invalid } from '../../../domain/errors.js';
import type { LinkMode, Page } from '../../../domain/types.js';
import { parseDecimal } from '../../../money/amount.js';
import type { CreateLinkInput, LinkView } from '../../engine.js';
import { type EngineContext, requireMerchant } from '../context.js';
import { linkError } from '../../../domain/link-codes.js';
import { createLinkFor } from './create.js';
import { toLinkView } from './views.js';
import { decodeCursor, encodeCursor } from '../views.js';

/**
 * The payment-link use cases of the Engine (CLI, operator API). get_link_payment and the hosted
 * page (src/server/links/) use the same building blocks: create.ts, pay.ts.
 */

const MODES: readonly LinkMode[] = ['pay_now', 'multi_pay', 'pay_later'];

/**
 * The Engine's createLink: the same checks and codes as get_link_payment, on the wire form of the
 * input (the merchant's own beneficiary reference by default: its uuid without dashes). The amount
 * is a decimal in the merchant's currency, like every amount the Engine takes; the wire's is in
 * minor units.
 */
export async function createLink(ctx: EngineContext, input: CreateLinkInput): Promise<LinkView> {
  const merchant = await requireMerchant(ctx, input.merchant);
  if (input.mode !== undefined && !MODES.includes(input.mode)) {
    throw invalid('invalid_mode', `unknown link mode "${String(input.mode).slice(0, 20)}"`, 'use pay_now, multi_pay or pay_later');
  }
  const amount = parseAmount(input.amount, merchant.currency);
  const extra = typeof input.extra === 'object' && input.extra !== null && !Array.isArray(input.extra) ? input.extra : {};
  const body: Record<string, unknown> = {
    beneficiary_reference: merchant.id.replaceAll('-', ''),
    ...extra,
    amount: String(amount),
    payment_reference: input.paymentReference,
    consumer_reference: input.consumerReference,
    url_callback: input.callbackUrl,
    consumer_email: input.email,
    consumer_phone_number: input.phone,
    ...(input.mode ? { [input.mode]: true } : {}),
  };
  return createLinkFor(ctx, merchant, body);
}

/**
 * A number is refused rather than read as a decimal: before amounts were decimals here, callers
 * sent minor units, and 10000 must not quietly become 10,000.00.
 */
function parseAmount(amount: unknown, currency: string): number {
  const hint = `give a decimal amount in ${currency} as a string, such as "100.00"`;
  if (typeof amount !== 'string') throw invalid('invalid_amount', 'the amount must be a decimal string', hint);
  const parsed = parseDecimal(amount, currency);
  if (parsed.ok) return parsed.minor;
  // get_link_payment's own codes where it has one: the same mistake, the same code.
  if (parsed.problem === 'not_positive') throw invalid('AMOUNT_001', parsed.message, hint);
  if (parsed.problem === 'too_large') throw invalid('AMOUNT_002', parsed.message, hint);
  throw invalid('invalid_amount', parsed.message, hint);
}

export async function listLinks(ctx: EngineContext, q: { merchant: string; limit?: number; cursor?: string }): Promise<Page<LinkView>> {
  const merchant = await requireMerchant(ctx, q.merchant);
  const limit = q.limit === undefined ? 50 : q.limit;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid('invalid_limit', 'the page size must be 1 to 1000');
  const before = decodeCursor(q.cursor);
  if (q.cursor && !before)
    throw invalid('invalid_cursor', 'the cursor is not one esipay printed', 'use the "next" value of the previous page');
  const rows = await ctx.store.listLinks({ merchantId: merchant.id, limit: limit + 1, ...(before ? { before } : {}) });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const now = ctx.clock();
  return { items: items.map((l) => toLinkView(l, now)), next: rows.length > limit && last ? encodeCursor(last) : null };
}

export async function getLink(ctx: EngineContext, id: string, merchant?: string): Promise<LinkView> {
  const link = typeof id === 'string' && /^[0-9a-f]{32}$/.test(id) ? await ctx.store.getLink(id) : undefined;
  if (!link || (merchant !== undefined && link.merchantId !== merchant)) {
    throw linkError('LINK_001', `no payment link ${String(id).slice(0, 40)}`, 'check the id with `esipay link list`');
  }
  const debits = link.status === 'paid' && link.mode !== 'pay_now' ? await ctx.store.listScheduledDebits(link.id) : undefined;
  return toLinkView(link, ctx.clock(), debits);
}

// What ServiceEngine's `links` block delegates to (LocalEngine loads this module on first use).
export { createLinkFor } from './create.js';
export { runDueDebits } from './debits.js';
export { payFormKey } from './pay-form-key.js';
export { openLink, payLink, plannedDebits } from './pay.js';
