import { type Env, readEnv } from '../config/env.js';
import type { Notifiers } from './notifier.js';
import { SmtpEmailSender } from './smtp.js';
import { WebhookSmsSender } from './sms-webhook.js';

/**
 * The notifiers the environment configures:
 * - ESIPAY_SMTP_URL (smtp://user:pass@host:587 or smtps://…) and ESIPAY_SMTP_FROM: email;
 * - ESIPAY_SMS_URL (an HTTP gateway taking {"to", "text"}): SMS.
 * A channel left unset is not configured: links asked to go that way are recorded, not sent.
 */
export function notifiersFromEnv(env: Env = process.env): Notifiers {
  const notifiers: Notifiers = {};
  const smtp = readEnv('ESIPAY_SMTP_URL', env);
  const sms = readEnv('ESIPAY_SMS_URL', env);
  if (smtp) notifiers.email = new SmtpEmailSender(smtp, readEnv('ESIPAY_SMTP_FROM', env));
  if (sms) notifiers.sms = new WebhookSmsSender(sms);
  return notifiers;
}
