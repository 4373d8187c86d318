import type { Notifiers } from './notifier.js';
import { SmtpEmailSender } from './smtp.js';
import { WebhookSmsSender } from './sms-webhook.js';

/** The sender address when ESIPAY_SMTP_FROM is not set. */
export const DEFAULT_FROM = 'esipay <no-reply@localhost>';

/**
 * The notifiers the environment configures:
 * - ESIPAY_SMTP_URL (smtp://user:pass@host:587 or smtps://…) and ESIPAY_SMTP_FROM: email;
 * - ESIPAY_SMS_URL (an HTTP gateway taking {"to", "text"}): SMS.
 * A channel left unset is not configured: links asked to go that way are recorded, not sent.
 */
export function notifiersFromEnv(env: NodeJS.ProcessEnv = process.env): Notifiers {
  const notifiers: Notifiers = {};
  if (env.ESIPAY_SMTP_URL) notifiers.email = new SmtpEmailSender(env.ESIPAY_SMTP_URL, env.ESIPAY_SMTP_FROM || DEFAULT_FROM);
  if (env.ESIPAY_SMS_URL) notifiers.sms = new WebhookSmsSender(env.ESIPAY_SMS_URL);
  return notifiers;
}
