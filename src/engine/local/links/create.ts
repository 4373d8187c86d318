import { randomBytes } from 'node:crypto';
import type { LinkRecord, MerchantRecord } from '../../../domain/types.js';
import { addMs } from '../../../util/clock.js';
import { newId } from '../../../util/ids.js';
import type { LinkView } from '../../engine.js';
import type { EngineContext } from '../context.js';
import { linkError } from '../../../domain/link-codes.js';
import { notifyLink } from './notify.js';
import { interpretLinkRequest, parseLinkRequest } from './request.js';
import { linkUrl, tokenHashOf, toLinkView } from './views.js';
import { checkMerchantEnabled } from '../merchant-enabled.js';

/**
 * get_link_payment for an authenticated merchant: validates the body (one schema, one code per
 * cause), records the link with the SHA-256 of a fresh token, sends it as asked, and returns the
 * link. Nothing is recorded when the request is refused; a payment_reference is used once.
 */
export async function createLinkFor(ctx: EngineContext, merchant: MerchantRecord, body: unknown): Promise<LinkView> {
  checkMerchantEnabled(merchant);
  const req = parseLinkRequest(body);
  const terms = interpretLinkRequest(req, merchant);
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock();
  const at = now.toISOString();
  const link: LinkRecord = {
    id: newId(),
    merchantId: merchant.id,
    tokenHash: tokenHashOf(token),
    paymentReference: req.payment_reference,
    consumerReference: req.consumer_reference,
    amount: terms.amount,
    currency: merchant.currency,
    mode: terms.mode,
    request: JSON.stringify(req),
    callbackUrl: req.url_callback,
    redirectUrl: terms.redirectUrl,
    status: 'open',
    transactionId: null,
    expiresAt: addMs(now, terms.durationMinutes * 60_000),
    createdAt: at,
    updatedAt: at,
  };
  const inserted = await ctx.store.insertLink(link);
  if (!inserted.inserted) {
    throw linkError(
      'EXIST_001',
      `payment_reference ${req.payment_reference} was already used for link ${inserted.existing.id}`,
      'use a new payment_reference for a new link',
    );
  }
  const url = linkUrl(ctx.publicUrl, token);
  const view: LinkView = { ...toLinkView(link, now), link: url };
  if (terms.sendEmail || terms.sendSms) {
    view.notifications = await notifyLink(ctx, merchant, link, req, url, token, { email: terms.sendEmail, sms: terms.sendSms });
  }
  return view;
}
