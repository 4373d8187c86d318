import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import type { MerchantWithSecret } from '../../src/domain/types.js';
import { openStore } from '../../src/store/open-store.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type LinkService, request, startLinkService } from './service.js';

/** email_option / sms_option with the senders configured: a local SMTP sink and an SMS gateway stand-in. */
interface Mail {
  from: string;
  to: string[];
  raw: string;
}

async function startSmtpSink(): Promise<{ url: string; mails: Mail[]; waitFor(n: number): Promise<void>; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => (raw += d));
      stream.on('end', () => {
        mails.push({
          from: String(session.envelope.mailFrom && session.envelope.mailFrom.address),
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        for (const w of waiters.filter((x) => mails.length >= x.n)) w.resolve();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    waitFor: (n) => new Promise((resolve) => (mails.length >= n ? resolve() : waiters.push({ n, resolve }))),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Quoted-printable soft line breaks and escapes undone, enough to find a URL in a mail. */
function unfold(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

describe('sending links by email and SMS', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let gateway: Receiver;
  let svc: LinkService;
  let m: MerchantWithSecret;

  before(async () => {
    [smtp, gateway] = await Promise.all([startSmtpSink(), startReceiver(200)]);
    svc = await startLinkService({
      ESIPAY_SMTP_URL: smtp.url,
      ESIPAY_SMTP_FROM: 'Boutique <pay@shop.example>',
      ESIPAY_SMS_URL: `${gateway.url}/sms`,
    });
    m = await svc.merchant({ name: 'Boutique Paris' });
  });
  after(async () => {
    await svc?.close();
    await Promise.all([smtp?.close(), gateway?.close()]);
  });

  it('emails and texts the link when asked, and says so', async () => {
    const { json } = await svc.getLinkPayment(
      m,
      request({
        email_option: 1,
        sms_option: 1,
        consumer_email: 'ghandri@example.fr',
        consumer_phone_number: '+33 6 00 00 00 00',
        payment_lang: 'fr',
      }),
    );
    assert.equal(json.result, true, JSON.stringify(json));
    assert.deepEqual(json.notifications, [
      { channel: 'email', to: 'ghandri@example.fr', sent: true },
      { channel: 'sms', to: '+33 6 00 00 00 00', sent: true },
    ]);

    await smtp.waitFor(1);
    const mail = smtp.mails[0]!;
    assert.deepEqual(mail.to, ['ghandri@example.fr']);
    assert.equal(mail.from, 'pay@shop.example');
    const text = unfold(mail.raw);
    assert.ok(text.includes(json.link), 'the email carries the link');
    assert.match(text, /Boutique Paris/);

    await gateway.waitFor(1);
    const sms = JSON.parse(gateway.received[0]!.body);
    assert.equal(sms.to, '+33 6 00 00 00 00');
    assert.ok(sms.text.includes(json.link), 'the SMS carries the link');
    assert.match(sms.text, /payez/, 'in the language asked (payment_lang fr)');

    const store = await openStore(svc.db);
    try {
      const [email] = await store.listOutbox({ merchantId: m.uuid, topic: 'link_email', limit: 10 });
      assert.ok(email?.deliveredAt, 'the sent email is recorded as delivered');
      assert.ok(!email.body.includes(json.link), 'the record has no usable link');
    } finally {
      await store.close();
    }
  });

  it('reports an SMS the gateway refused as not sent, and still creates the link', async () => {
    gateway.behaviour = 503;
    try {
      const { json } = await svc.getLinkPayment(m, request({ sms_option: 1 }));
      assert.equal(json.result, true);
      assert.equal(json.notifications[0].sent, false);
      assert.match(json.notifications[0].error, /HTTP 503/);
    } finally {
      gateway.behaviour = 200;
    }
  });
});
