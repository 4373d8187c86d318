import { Agent, request } from 'undici';

/**
 * The baselines' callback: the same undici POST esipay's HttpCallbackSender makes (same agent
 * settings, same form body and headers, answer read to the end), with a fixed signature of the
 * same length instead of an HMAC.
 */
export class BarePost {
  private readonly agent = new Agent({ keepAliveTimeout: 4_000, connections: 64 });

  async send(url: string, fields: { amount: string; transaction: string; cid: string }): Promise<number> {
    const body = `type=card&amount=${fields.amount}&transaction=${fields.transaction}&cid=${encodeURIComponent(fields.cid)}`;
    const res = await request(url, {
      method: 'POST',
      dispatcher: this.agent,
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'esipay-callback/1',
        'esipay-signature': FIXED_SIGNATURE,
      },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    for await (const _ of res.body) {
      // read to the end, as the sender does
    }
    return res.statusCode;
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

const FIXED_SIGNATURE = `t=1700000000,v1=${'0'.repeat(64)}`;
