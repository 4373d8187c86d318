import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { verifySignature } from '../../src/callback/signature.js';
import type { MerchantWithSecret } from '../../src/domain/types.js';
import { launchChromium } from '../helpers/chromium.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type LinkService, request, startLinkService } from './service.js';

/**
 * The hosted pay page in a real browser: a headless Chromium (test/helpers/chromium.ts: Debian's,
 * or the one from npm) driven by playwright-core, on a phone-sized screen, against a real
 * `esipay serve`.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const EXPIRY = `12/${String((new Date().getUTCFullYear() + 2) % 100).padStart(2, '0')}`;
export const SCREENSHOT = '/tmp/esipay-paypage-phone.png';

describe('the hosted pay page in Chromium', () => {
  let svc: LinkService;
  let m: MerchantWithSecret;
  let receiver: Receiver;
  let browser: Browser;
  let phone: BrowserContext;
  const foreignRequests: string[] = [];

  before(async () => {
    [svc, receiver] = await Promise.all([startLinkService(), startReceiver(200)]);
    m = await svc.merchant({ name: 'Boutique Paris', currency: 'EUR' });
    browser = await launchChromium(CHROMIUM_ARGS);
    phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    phone.on('request', (r) => {
      if (!r.url().startsWith(svc.url)) foreignRequests.push(r.url());
    });
  });
  after(async () => {
    await browser?.close();
    await Promise.all([svc?.close(), receiver?.close()]);
  });

  async function newLink(overrides: Record<string, unknown> = {}): Promise<string> {
    const { json } = await svc.getLinkPayment(m, request({ url_callback: `${receiver.url}/esipay`, ...overrides }));
    assert.equal(json.result, true, JSON.stringify(json));
    return json.link as string;
  }

  it('pays a link with a test card, shows the receipt, and the merchant gets the signed result', async () => {
    const link = await newLink({ manual_redirect_url: 'https://shop.example/thanks', reference_label: 'Order 31 of October' });
    const page = await phone.newPage();
    const res = await page.goto(link);
    assert.equal(res?.status(), 200);
    const csp = res?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /form-action 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(await page.textContent('[data-testid=amount]'), '€10,000.00');
    assert.match((await page.textContent('body')) ?? '', /Boutique Paris/);
    assert.match((await page.textContent('body')) ?? '', /Order 31 of October/);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const paymentReference = await page.textContent('[data-testid=reference]');
    await page.fill('#number', '4111 1111 1111 1111');
    await page.fill('#expiry', EXPIRY);
    await Promise.all([page.waitForURL(/paypage/), page.click('button[type=submit]')]);
    await page.waitForSelector('[data-testid=receipt]');
    const receipt = (await page.textContent('[data-testid=receipt]')) ?? '';
    assert.match(receipt, /Payment accepted/);
    assert.match(receipt, /•••• 1111/);
    assert.ok(!(await page.content()).includes('4111111111111111'), 'the card number is never sent back');
    assert.equal(await page.getAttribute('[data-testid=back]', 'href'), 'https://shop.example/thanks');
    const transaction = (await page.textContent('[data-testid=transaction]'))?.trim();

    await receiver.waitFor(1);
    const delivered = receiver.received[0]!;
    assert.equal(delivered.path, '/esipay');
    assert.match(String(delivered.headers['content-type']), /application\/json/);
    const verified = verifySignature(delivered.body, delivered.headers['esipay-signature'] as string, [m.secret]);
    assert.equal(verified.ok, true, JSON.stringify(verified));
    const body = JSON.parse(delivered.body);
    assert.equal(body.event, 'link.paid');
    assert.equal(body.payment_reference, paymentReference);
    assert.equal(body.amount, '1000000');
    assert.equal(body.currency, 'EUR');
    assert.equal(body.transaction.id, transaction);
    assert.equal(body.transaction.status, 'PAID');
    assert.deepEqual(body.transaction.card, { first6: '411111', last4: '1111', brand: 'visa' });

    // A second visit: the link says it is paid, with no form.
    const again = await phone.newPage();
    await again.goto(link);
    assert.match((await again.textContent('[data-testid=notice-paid]')) ?? '', /already been paid/);
    assert.equal(await again.$('form'), null);
    await Promise.all([page.close(), again.close()]);
    assert.deepEqual(foreignRequests, [], 'the page loads nothing from elsewhere');
  });

  it('shows a refused card inline, keeps the number out of the page, and leaves the link payable', async () => {
    const link = await newLink();
    const token = new URL(link).searchParams.get('SDESSID')!;
    const page = await phone.newPage();
    await page.goto(link);
    await page.fill('#number', '4000000000000002');
    await page.fill('#expiry', EXPIRY);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=error]');
    assert.match((await page.textContent('[data-testid=error]')) ?? '', /declined/);
    assert.equal(await page.inputValue('#number'), '', 'the number field is empty after an error');
    assert.equal(await page.inputValue('#expiry'), EXPIRY);
    assert.ok(!(await page.content()).includes('4000000000000002'));

    const stored = (await svc.links(m.uuid)).find((l) => l.tokenHash === createHash('sha256').update(token).digest('hex'));
    assert.equal(stored?.status, 'open', 'the link is still payable');
    assert.equal(receiver.received.length, 1, 'no callback for a refused card');

    // A mistyped number is explained next to the field; then a good card pays the same link.
    await page.fill('#number', '4111111111111112');
    await page.click('button[type=submit]');
    await page.waitForSelector('#number-error');
    assert.match((await page.textContent('#number-error')) ?? '', /not valid/);
    await page.fill('#number', '5555555555554444');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=receipt]');
    await page.close();
    await receiver.waitFor(2);
    assert.equal(JSON.parse(receiver.received[1]!.body).transaction.card.last4, '4444');
  });

  it('refuses a forged form and an unknown link without charging', async () => {
    const link = await newLink();
    const before = receiver.received.length;
    const forged = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ number: '4111111111111111', expiry: EXPIRY, form_token: '1.x.y' }).toString(),
    });
    assert.equal(forged.status, 400);
    assert.match(await forged.text(), /form has expired/);
    const page = await phone.newPage();
    await page.goto(link);
    assert.ok(await page.$('form'), 'the link is still payable');
    const unknown = await page.goto(`${svc.url}/paypage?SDESSID=${'A'.repeat(43)}`);
    assert.equal(unknown?.status(), 404);
    assert.match((await page.textContent('[data-testid=notice-unknown]')) ?? '', /does not exist/);
    await page.close();
    assert.equal(receiver.received.length, before, 'no callback for what was not paid');
  });
});
