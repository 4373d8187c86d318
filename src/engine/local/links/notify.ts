import type { LinkRecord, MerchantRecord } from '../../../domain/types.js';
import { linkEmail, type LinkMessageInput, linkSms, redactedLink } from '../../../notify/link-message.js';
import type { NotificationOutcome } from '../../../notify/notifier.js';
import { newId } from '../../../util/ids.js';
import type { EngineContext } from '../context.js';
import { displayAmount, displayDate, pageLang } from '../../../notify/display.js';
import type { LinkRequest } from '../../../domain/link-fields.js';

/** Never due: the outbox deliverer leaves these records alone (they are not HTTP deliveries). */
const NEVER = '9999-12-31T23:59:59.999Z';

export const NOTIFY_TOPICS = { email: 'link_email', sms: 'link_sms' } as const;

/**
 * Sends the link by email and/or SMS as the request asked (email_option, sms_option), and
 * records every message in the outbox table, sent or not: a sent one as delivered, one that could
 * not go (channel not configured, the sender failed) as undelivered with the reason. The recorded
 * text has the link's token replaced: the database never holds a usable link.
 */
export async function notifyLink(
  ctx: EngineContext,
  merchant: MerchantRecord,
  link: LinkRecord,
  req: LinkRequest,
  url: string,
  token: string,
  wanted: { email: boolean; sms: boolean },
): Promise<NotificationOutcome[]> {
  const lang = pageLang(req.payment_lang);
  const message: LinkMessageInput = {
    lang,
    merchantName: merchant.name,
    amountText: displayAmount(link.amount, link.currency, lang),
    reference: link.paymentReference,
    link: url,
    expiresText: displayDate(link.expiresAt, lang),
  };
  const notifiers = await ctx.notifiers();
  const outcomes: NotificationOutcome[] = [];
  if (wanted.email) {
    const email = linkEmail(req.consumer_email, message);
    const outcome = await attempt(
      'email',
      email.to,
      notifiers.email ? () => notifiers.email!.send(email) : undefined,
      'no SMTP server configured (set ESIPAY_SMTP_URL)',
    );
    await record(ctx, merchant, 'email', `mailto:${email.to}`, `Subject: ${email.subject}\n\n${redactedLink(email.text, token)}`, outcome);
    outcomes.push(outcome);
  }
  if (wanted.sms) {
    const text = linkSms(message);
    const to = req.consumer_phone_number;
    const outcome = await attempt(
      'sms',
      to,
      notifiers.sms ? () => notifiers.sms!.send({ to, text }) : undefined,
      'no SMS gateway configured (set ESIPAY_SMS_URL)',
    );
    await record(ctx, merchant, 'sms', `sms:${to.replace(/[^+0-9]/g, '')}`, redactedLink(text, token), outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}

async function attempt(
  channel: 'email' | 'sms',
  to: string,
  send: (() => Promise<void>) | undefined,
  notConfigured: string,
): Promise<NotificationOutcome> {
  if (!send) return { channel, to, sent: false, error: notConfigured };
  try {
    await send();
    return { channel, to, sent: true };
  } catch (e) {
    const why = (e as Error)?.message ?? String(e);
    return {
      channel,
      to,
      sent: false,
      error: `the ${channel === 'email' ? 'SMTP server' : 'SMS gateway'} did not take the message: ${why.slice(0, 200)}`,
    };
  }
}

async function record(
  ctx: EngineContext,
  merchant: MerchantRecord,
  channel: 'email' | 'sms',
  url: string,
  body: string,
  outcome: NotificationOutcome,
): Promise<void> {
  const at = ctx.clock().toISOString();
  await ctx.store.enqueueOutbox({
    id: newId(),
    merchantId: merchant.id,
    topic: NOTIFY_TOPICS[channel],
    url,
    contentType: 'text/plain; charset=utf-8',
    body,
    headers: '{}',
    attempts: outcome.sent ? 1 : 0,
    nextAttemptAt: outcome.sent ? at : NEVER,
    deliveredAt: outcome.sent ? at : null,
    lastError: outcome.error ?? null,
    createdAt: at,
  });
}
