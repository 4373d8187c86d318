import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { MerchantWithSecret } from '../../src/domain/types.js';
import { LINK_CODES } from '../../src/domain/link-codes.js';
import { type FieldSpec, fieldNumber, LINK_FIELDS } from '../../src/domain/link-fields.js';
import { openStore } from '../../src/store/open-store.js';
import { type LinkService, request, SEED_EXAMPLE, startLinkService } from './service.js';

/** A value of the field's type and format, one character (or digit) longer than allowed. */
function tooLong(f: FieldSpec): unknown {
  const max = f.max!;
  switch (f.format) {
    case 'url':
      return `https://shop.example/${'a'.repeat(max)}`;
    case 'email':
      return `${'a'.repeat(max)}@shop.example`;
    case 'phone':
    case 'digits':
    case 'siren':
      return '1'.repeat(max + 1);
    case 'lang':
      return 'fr-' + 'a'.repeat(max);
    default:
      return f.type === 'integer' ? '1'.repeat(max + 1) : 'a'.repeat(max + 1);
  }
}

describe('POST /get_link_payment', () => {
  let svc: LinkService;
  let m: MerchantWithSecret;

  before(async () => {
    svc = await startLinkService();
    m = await svc.merchant({ currency: 'EUR', name: 'Boutique Paris' });
  });
  after(async () => svc?.close());

  async function refused(
    body: unknown,
    code: string,
    merchant: MerchantWithSecret = m,
    opts?: { authorization?: string; raw?: string },
  ): Promise<void> {
    const before = (await svc.links(merchant.uuid)).length;
    const { status, json } = await svc.getLinkPayment(merchant, body, opts);
    assert.equal(status, 200, 'get_link_payment always answers HTTP 200');
    assert.equal(json.result, false, JSON.stringify(json));
    assert.equal(json.code, code, `expected ${code}, got ${JSON.stringify(json)}`);
    assert.equal(json.link, undefined);
    assert.equal((await svc.links(merchant.uuid)).length, before, `${code}: nothing may be created`);
  }

  it("accepts the seed's example request as written and stores only the token's hash", async () => {
    const { status, json } = await svc.getLinkPayment(m, SEED_EXAMPLE);
    assert.equal(status, 200);
    assert.equal(json.result, true, JSON.stringify(json));
    const match = new RegExp(`^${svc.url.replace(/[.]/g, '\\.')}/paypage\\?SDESSID=([A-Za-z0-9_-]{43})$`).exec(json.link);
    assert.ok(match, `link ${json.link}`);
    const token = match[1]!;
    const links = await svc.links(m.uuid);
    assert.equal(links.length, 1);
    const link = links[0]!;
    assert.equal(link.amount, 1_000_000, 'amount in cents: 10 000.00 EUR');
    assert.equal(link.currency, 'EUR');
    assert.equal(link.paymentReference, 'Facture31102019');
    assert.equal(link.mode, 'pay_now');
    assert.equal(link.status, 'open');
    assert.equal(link.tokenHash, createHash('sha256').update(token).digest('hex'));
    const days = (Date.parse(link.expiresAt) - Date.parse(link.createdAt)) / 86_400_000;
    assert.equal(days, 7, 'a link lasts 7 days by default');
    const dbBytes = [svc.db, `${svc.db}-wal`]
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f).toString('latin1'))
      .join('');
    assert.ok(!dbBytes.includes(token), 'the token itself is not in the database');

    // The same payment_reference again is refused, whatever else changes.
    await refused({ ...SEED_EXAMPLE, amount: '5000' }, 'EXIST_001');
  });

  it('refuses each required field missing, or empty, with its own code', async () => {
    const required = LINK_FIELDS.filter((f) => f.required);
    assert.equal(required.length, 7);
    for (const f of required) {
      const body = request();
      delete body[f.name];
      await refused(body, `MISSING_${fieldNumber(f.name)}`);
      await refused(request({ [f.name]: '' }), `MISSING_${fieldNumber(f.name)}`);
    }
  });

  it('refuses each field longer than its size with its own code', async () => {
    for (const f of LINK_FIELDS.filter((x) => x.max !== undefined)) {
      await refused(request({ [f.name]: tooLong(f) }), `LENGTH_${fieldNumber(f.name)}`);
    }
  });

  it('accepts each field at its exact size', async () => {
    const body = request({
      consumer_first_name: 'a'.repeat(16),
      beneficiary_reference: 'b'.repeat(32),
      consumer_reference: 'c'.repeat(32),
      link_duration: '60',
    });
    const { json } = await svc.getLinkPayment(m, body);
    assert.equal(json.result, true, JSON.stringify(json));
  });

  it('refuses malformed fields, wrong types and unknown fields', async () => {
    await refused(request({ amount: '10.00' }), 'INVALID_002');
    await refused(request({ amount: 1000 }), 'INVALID_002');
    await refused(request({ amount: '-5' }), 'INVALID_002');
    await refused(request({ amount: '0' }), 'AMOUNT_001');
    await refused(request({ amount: '99999999999999999' }), 'AMOUNT_002');
    await refused(request({ consumer_type: 2 }), 'INVALID_004');
    await refused(request({ url_callback: 'ftp://shop.example/cb' }), 'INVALID_007');
    await refused(request({ url_callback: 'not a url' }), 'INVALID_007');
    await refused(request({ consumer_zip_code: '75OO2' }), 'INVALID_012');
    await refused(request({ consumer_email: 'nobody' }), 'INVALID_014');
    await refused(request({ consumer_phone_number: 'call me' }), 'INVALID_015');
    await refused(request({ siren: '12345678A' }), 'INVALID_017');
    await refused(request({ sms_option: 2 }), 'INVALID_018');
    await refused(request({ pay_now: 'yes' }), 'INVALID_029');
    await refused(request({ consumer_first_name: 'Ann\u0000' }), 'INVALID_008');
    await refused(request({ manual_redirect_url: 'javascript:alert(1)' }), 'INVALID_034');
    await refused(request({ colour: 'blue' }), 'FORMAT_002');
    await refused(null, 'FORMAT_001', m, { raw: '{"amount": ' });
    await refused(null, 'FORMAT_001', m, { raw: '[1, 2]' });
    // Several problems: the first field of the table decides, always the same code.
    const body = request({ consumer_email: 'nobody' });
    delete body.amount;
    await refused(body, 'MISSING_002');
  });

  it('refuses inconsistent options: two modes, a scenario that does not fit, a duration out of range', async () => {
    await refused(request({ pay_now: true, multi_pay: true }), 'MODE_001');
    await refused(request({ multi_pay: true, payment_scenario: '13x' }), 'MODE_002');
    await refused(request({ payment_scenario: '3x' }), 'MODE_002');
    await refused(request({ multi_pay: true, amount: '2', payment_scenario: '3x' }), 'AMOUNT_003');
    await refused(request({ link_duration: 0 }), 'DURATION_001');
    await refused(request({ link_duration: '600000' }), 'DURATION_001');
    await refused(request({ merchant_id: '00000000-0000-4000-8000-000000000000' }), 'AUTH_004');
  });

  it('refuses missing or wrong credentials and a caller that is not the merchant', async () => {
    await refused(request(), 'AUTH_001', m, { authorization: '' });
    await refused(request(), 'AUTH_001', m, { authorization: 'Bearer abc' });
    const creds = Buffer.from(`${m.uuid}:${m.secret}`).toString('base64');
    await refused(request(), 'AUTH_001', m, { authorization: `Basic${' '.repeat(1024)}${creds}` });
    await refused(request(), 'AUTH_002', { ...m, secret: 'whsec_wrong' });
    await refused(request(), 'AUTH_002', { ...m, uuid: '00000000-0000-4000-8000-000000000000' });
    const elsewhere = await svc.merchant({ ip: '10.1.2.3' });
    await refused(request(), 'AUTH_003', elsewhere);
  });

  it('gives the link id with get_pay_id, applies link_duration in minutes, and takes the mode flags', async () => {
    const { json } = await svc.getLinkPayment(m, request({ get_pay_id: true, link_duration: 90, multi_pay: true, payment_scenario: '4x' }));
    assert.equal(json.result, true, JSON.stringify(json));
    assert.match(json.pay_id, /^[0-9a-f]{32}$/);
    const link = (await svc.links(m.uuid)).find((l) => l.id === json.pay_id)!;
    assert.equal(Date.parse(link.expiresAt) - Date.parse(link.createdAt), 90 * 60_000);
    assert.equal(link.mode, 'multi_pay');
  });

  it('says an email or SMS was not sent when no sender is configured, and keeps the message without the token', async () => {
    const { json } = await svc.getLinkPayment(m, request({ email_option: 1, sms_option: '1' }));
    assert.equal(json.result, true);
    assert.deepEqual(
      json.notifications.map((n: { channel: string; sent: boolean }) => [n.channel, n.sent]),
      [
        ['email', false],
        ['sms', false],
      ],
    );
    assert.match(json.notifications[0].error, /no SMTP server configured/);
    assert.match(json.notifications[1].error, /no SMS gateway configured/);
    const token = /SDESSID=(.+)$/.exec(json.link)![1]!;
    const store = await openStore(svc.db);
    try {
      for (const topic of ['link_email', 'link_sms']) {
        const [record] = await store.listOutbox({ merchantId: m.uuid, topic, limit: 10 });
        assert.ok(record, `a ${topic} record`);
        assert.equal(record.deliveredAt, null, 'recorded as not delivered');
        assert.match(record.lastError ?? '', /not configured|configured/);
        assert.ok(record.body.includes('[token]') && !record.body.includes(token), 'the stored message has no usable link');
      }
    } finally {
      await store.close();
    }
  });

  it('answers other methods with 405', async () => {
    const res = await fetch(`${svc.url}/get_link_payment`);
    assert.equal(res.status, 405);
  });

  it('documents every code in docs/links.md', () => {
    const docs = readFileSync(new URL('../../../docs/links.md', import.meta.url), 'utf8');
    const missing = LINK_CODES.filter((c) => !docs.includes(c.code)).map((c) => c.code);
    assert.deepEqual(missing, []);
  });
});
