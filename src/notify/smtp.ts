import type { EmailSender, OutgoingEmail } from './notifier.js';
import { withoutPassword } from './notifier.js';

/** How long an SMTP exchange may take before the email counts as not sent. */
const SMTP_TIMEOUT_MS = 10_000;

/**
 * Email over SMTP, from a URL: smtp://[user:pass@]host[:port] (STARTTLS when the server offers
 * it) or smtps://… (TLS from the start). nodemailer is imported on first use only.
 */
export class SmtpEmailSender implements EmailSender {
  readonly description: string;
  private transport: import('nodemailer').Transporter | undefined;

  constructor(
    private readonly url: string,
    private readonly from: string,
  ) {
    const u = new URL(url);
    if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:')
      throw new Error(`the SMTP URL must start with smtp:// or smtps://, not ${u.protocol}`);
    this.description = withoutPassword(url);
  }

  async send(message: OutgoingEmail): Promise<void> {
    this.transport ??= await this.open();
    await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
  }

  async close(): Promise<void> {
    this.transport?.close();
    this.transport = undefined;
  }

  private async open(): Promise<import('nodemailer').Transporter> {
    const nodemailer = await import('nodemailer');
    const u = new URL(this.url);
    const secure = u.protocol === 'smtps:';
    return nodemailer.createTransport({
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port ? Number(u.port) : secure ? 465 : 25,
      secure,
      ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    });
  }
}
