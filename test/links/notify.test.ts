import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import type { MerchantWithSecret } from '../../src/domain/types.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { notifiersFromEnv } from '../../src/notify/from-env.js';
import type { Notifiers, OutgoingEmail, OutgoingSms } from '../../src/notify/notifier.js';
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

describe("an engine's senders, given in its options", () => {
  let dir: string;
  let seq = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'esipay-notifiers-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function createLinkWith(notifiers: Notifiers) {
    const engine = await LocalEngine.create(await openStore(join(dir, `esipay-${++seq}.db`)), {
      notifiers,
      publicUrl: 'https://pay.example',
    });
    try {
      const m = await engine.registerMerchant({ name: 'Boutique Lyon', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:9/r' });
      return await engine.createLink({
        merchant: m.uuid,
        amount: '42.00',
        paymentReference: 'F-1',
        consumerReference: 'c-1',
        callbackUrl: 'https://shop.example/cb',
        email: 'client@example.fr',
        phone: '0600000000',
        extra: { email_option: 1, sms_option: 1 },
      });
    } finally {
      await engine.close();
    }
  }

  it('sends the link through them', async () => {
    const emails: OutgoingEmail[] = [];
    const texts: OutgoingSms[] = [];
    const view = await createLinkWith({
      email: { description: 'test mailbox', send: async (e) => void emails.push(e) },
      sms: { description: 'test phone', send: async (t) => void texts.push(t) },
    });
    assert.deepEqual(view.notifications, [
      { channel: 'email', to: 'client@example.fr', sent: true },
      { channel: 'sms', to: '0600000000', sent: true },
    ]);
    assert.equal(emails[0]?.to, 'client@example.fr');
    assert.ok(emails[0]?.text.includes(view.link!), 'the email carries the link');
    assert.ok(texts[0]?.text.includes(view.link!), 'the SMS carries the link');
  });

  it('a malformed ESIPAY_SMTP_URL or ESIPAY_SMS_URL refuses its messages, saying why; the link is still created', async () => {
    const view = await createLinkWith(notifiersFromEnv({ ESIPAY_SMTP_URL: 'mail.example:25', ESIPAY_SMS_URL: 'not a url' }));
    assert.ok(view.link);
    assert.deepEqual(
      view.notifications?.map((n) => [n.channel, n.sent]),
      [
        ['email', false],
        ['sms', false],
      ],
    );
    assert.match(view.notifications![0]!.error!, /ESIPAY_SMTP_URL must be a URL starting with smtp:\/\//);
    assert.match(view.notifications![1]!.error!, /ESIPAY_SMS_URL must be a URL starting with http:\/\//);
  });
});
