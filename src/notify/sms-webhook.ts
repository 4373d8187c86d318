import type { OutgoingSms, SmsSender } from './notifier.js';
import { withoutPassword } from './notifier.js';

const SMS_TIMEOUT_MS = 10_000;

/**
 * SMS through an HTTP gateway: POST <url> with {"to": "...", "text": "..."} as JSON; any 2xx
 * answer means the gateway took the message. Any SMS provider fits behind a small adapter that
 * speaks this (or implement SmsSender for it).
 */
export class WebhookSmsSender implements SmsSender {
  readonly description: string;

  constructor(private readonly url: string) {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`the SMS gateway URL must be http(s), not ${u.protocol}`);
    this.description = withoutPassword(url);
  }

  async send(message: OutgoingSms): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'esipay-sms/1' },
      body: JSON.stringify({ to: message.to, text: message.text }),
      signal: AbortSignal.timeout(SMS_TIMEOUT_MS),
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status < 200 || res.status > 299) throw new Error(`the SMS gateway answered HTTP ${res.status}`);
  }
}
