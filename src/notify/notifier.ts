/**
 * How a payment link reaches a consumer: an email, an SMS. The senders are pluggable (SMTP,
 * an SMS gateway); when one is not configured the link is not sent and the caller says so.
 * A sender throws when the message was not accepted; it never pretends.
 */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
}

export interface OutgoingSms {
  to: string;
  text: string;
}

export interface EmailSender {
  /** "smtp://mail.example:25" (never a password): for messages and records. */
  readonly description: string;
  send(message: OutgoingEmail): Promise<void>;
  close?(): Promise<void>;
}

export interface SmsSender {
  readonly description: string;
  send(message: OutgoingSms): Promise<void>;
  close?(): Promise<void>;
}

export interface Notifiers {
  email?: EmailSender;
  sms?: SmsSender;
}

/** What happened to one message: for the API answer, the CLI and the stored record. */
export interface NotificationOutcome {
  channel: 'email' | 'sms';
  to: string;
  sent: boolean;
  /** Why it was not sent: not configured, or the sender's error. */
  error?: string;
}

/** A URL without its password, for descriptions. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable URL)';
  }
}
