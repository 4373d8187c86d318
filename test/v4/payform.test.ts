import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceWithIpnReceiver } from './service.js';

/** CreatePayment without a card: the formToken and the hosted page where the buyer enters it. */
describe('V4 hosted payment form', () => {
  const running = serviceWithIpnReceiver();

  const seedRequest = {
    amount: 7412,
    currency: 'EUR',
    customer: { email: 'sample@example.com' },
    orderId: 'myOrder-1234-initial',
    useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION',
  };
  const submit = (url: string, card: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(card).toString(),
    });

  it("answers the seed's request with a formToken; the page authorises the order once, after a refused card", async () => {
    const r = await running.svc.call('Charge/CreatePayment', seedRequest);
    assert.equal(r.body.status, 'SUCCESS');
    assert.equal(r.answer._type, 'V4/Charge/PaymentForm');
    assert.equal(typeof r.answer.formToken, 'string');
    assert.equal(r.answer.paymentUrl, `${running.svc.url}/payform/${r.answer.formToken}`);

    const page = await fetch(r.answer.paymentUrl);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await page.text();
    assert.match(html, /74\.12 EUR/);
    assert.match(html, /myOrder-1234-initial/);
    assert.match(html, /name="cardNumber"/);

    const refused = await submit(r.answer.paymentUrl, { cardNumber: '4000 0000 0000 0002', expiryMonth: '12', expiryYear: '2035' });
    assert.equal(refused.status, 200);
    assert.match(await refused.text(), /refused/);

    const bad = await submit(r.answer.paymentUrl, { cardNumber: '4111111111111112', expiryMonth: '12', expiryYear: '2035' });
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), /Luhn/);

    const ok = await submit(r.answer.paymentUrl, { cardNumber: '4111 1111 1111 1111', expiryMonth: '12', expiryYear: '2035' });
    assert.equal(ok.status, 200);
    const okHtml = await ok.text();
    assert.match(okHtml, /Payment authorised/);
    assert.ok(!okHtml.includes('4111111111111111'));

    const again = await submit(r.answer.paymentUrl, { cardNumber: '5555555555554444', expiryMonth: '12', expiryYear: '2035' });
    assert.match(await again.text(), /Payment authorised/, 'a second submission authorises nothing more');

    const order = await running.svc.call('Order/Get', { orderId: 'myOrder-1234-initial' });
    assert.deepEqual(
      order.answer.transactions.map((t: any) => [t.operationType, t.detailedStatus, t.amount]),
      [
        ['VERIFICATION', 'REFUSED', 7412],
        ['VERIFICATION', 'ACCEPTED', 7412],
      ],
    );
    // One IPN per attempt that reached the acquirer: the refusal, then the authorisation.
    await running.receiver.waitFor(2);
    const answers = running.receiver.received.map((m) => JSON.parse(m.fields['kr-answer']!));
    assert.deepEqual(
      answers.map((a) => a.orderStatus),
      ['UNPAID', 'PAID'],
    );
    assert.equal(answers[1].customer.email, 'sample@example.com');
    assert.equal(running.receiver.received.length, 2);
  });

  it('validates the order when the token is made, and refuses a forged or expired token', async () => {
    const bad = await running.svc.call('Charge/CreatePayment', { ...seedRequest, amount: 'lots' });
    assert.equal(bad.answer.errorCode, 'INT_009');

    const r = await running.svc.call('Charge/CreatePayment', seedRequest);
    const url: string = r.answer.paymentUrl;
    const signatureAt = url.lastIndexOf('.') + 1;
    const forged = url.slice(0, signatureAt) + (url[signatureAt] === 'A' ? 'B' : 'A') + url.slice(signatureAt + 1);
    assert.equal((await fetch(forged)).status, 404);
    running.svc.clock.advanceMs(16 * 60_000);
    assert.equal((await fetch(url)).status, 410);
    const late = await submit(url, { cardNumber: '4111111111111111', expiryMonth: '12', expiryYear: '2035' });
    assert.equal(late.status, 410);
  });
});
