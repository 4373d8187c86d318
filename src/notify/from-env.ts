import type { EmailSender, Notifiers, SmsSender } from './notifier.js';
import { SmtpEmailSender } from './smtp.js';
import { WebhookSmsSender } from './sms-webhook.js';

/** The sender address when ESIPAY_SMTP_FROM is not set. */
export const DEFAULT_FROM = 'esipay <no-reply@localhost>';

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
export function notifiersFromEnv(env: NodeJS.ProcessEnv = process.env): Notifiers {
  const notifiers: Notifiers = {};
  const { ESIPAY_SMTP_URL: smtpUrl, ESIPAY_SMS_URL: smsUrl } = env;
  if (smtpUrl) {
    try {
      notifiers.email = new SmtpEmailSender(smtpUrl, env.ESIPAY_SMTP_FROM || DEFAULT_FROM);
    } catch (e) {
      notifiers.email = refusing('ESIPAY_SMTP_URL', e);
    }
  }
  if (smsUrl) {
    try {
      notifiers.sms = new WebhookSmsSender(smsUrl);
    } catch (e) {
      notifiers.sms = refusing('ESIPAY_SMS_URL', e);
    }
  }
  return notifiers;
}

/** A sender for a channel whose URL could not be used: it refuses every message, saying why. */
function refusing(variable: string, e: unknown): EmailSender & SmsSender {
  const why = `${variable} is not usable: ${(e as Error)?.message ?? String(e)}`;
  return { description: `(${variable} misconfigured)`, send: () => Promise.reject(new Error(why)) };
}
