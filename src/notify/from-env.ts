import { type Env, readEnv } from '../config/env.js';
import type { EmailSender, Notifiers, SmsSender } from './notifier.js';
import { SmtpEmailSender } from './smtp.js';
import { WebhookSmsSender } from './sms-webhook.js';

/**
 * The notifiers the environment configures:
 * - ESIPAY_SMTP_URL (smtp://user:pass@host:587 or smtps://…) and ESIPAY_SMTP_FROM: email;
 * - ESIPAY_SMS_URL (an HTTP gateway taking {"to", "text"}): SMS.
 * A channel left unset is not configured: links asked to go that way are recorded, not sent.
 *
 * Every engine builds these when it starts, `esipay pay` as well as `esipay serve`, so a malformed
 * URL must not stop commands that send nothing: that channel refuses each message with the reason
 * instead, which the link's answer and its record show.
 */
export function notifiersFromEnv(env: Env = process.env): Notifiers {
  const notifiers: Notifiers = {};
  try {
    const smtp = readEnv('ESIPAY_SMTP_URL', env);
    if (smtp) notifiers.email = new SmtpEmailSender(smtp, readEnv('ESIPAY_SMTP_FROM', env));
  } catch (e) {
    notifiers.email = refusing('ESIPAY_SMTP_URL', e);
  }
  try {
    const sms = readEnv('ESIPAY_SMS_URL', env);
    if (sms) notifiers.sms = new WebhookSmsSender(sms);
  } catch (e) {
    notifiers.sms = refusing('ESIPAY_SMS_URL', e);
  }
  return notifiers;
}

/** A sender for a channel whose URL could not be used: it refuses every message, saying why. */
function refusing(variable: string, e: unknown): EmailSender & SmsSender {
  const message = (e as Error)?.message ?? String(e);
  const why = message.startsWith(variable) ? message : `${variable} is not usable: ${message}`;
  return { description: `(${variable} misconfigured)`, send: () => Promise.reject(new Error(why)) };
}
