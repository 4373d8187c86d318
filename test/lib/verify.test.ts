import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { signPayload } from '../../src/callback/signature.js';
import { ipnBody } from '../../src/server/v4/ipn.js';
import { verifyIpn, verifyLinkCallback, verifyReturnUrl } from '../../src/lib/index.js';
import { budget, reportCases } from '../fuzz/fuzz-budget.js';

reportCases('merchant library inputs');

/**
 * The merchant library on messages signed by esipay's own signing functions: what esipay signs
 * verifies, with its content; anything else is refused with a reason, never thrown.
 * test/lib/packed.test.ts does the same from the packed tarball with messages a running esipay sent.
 */
const secret = 'sk_test_current';
const previous = 'sk_test_previous';
const nowS = 1_793_059_200;
const now = new Date(nowS * 1000);
const returnBody = 'type=card&amount=10.00&transaction=7f3e2c&cid=order-42';
const linkBody = JSON.stringify({
  event: 'link.paid',
  event_id: 'e-1',
  link: 'l-1',
  merchant: 'm-1',
  mode: 'pay_now',
  amount: '1000',
  currency: 'EUR',
  transaction: { id: 't-1', status: 'PAID', amount: '1000', card: null },
  schedule: [],
  created_at: now.toISOString(),
});
const answer = { shopId: 'm-1', orderStatus: 'PAID', orderDetails: { orderId: 'o-1' }, transactions: [{ uuid: 't-1', status: 'PAID' }] };

describe('verifyReturnUrl', () => {
  const header = signPayload(returnBody, [secret], nowS);

  it("answers the POST's fields when esipay signed it, from a string or a Buffer", () => {
    const expected = { ok: true, payload: { type: 'card', amount: '10.00', transaction: '7f3e2c', cid: 'order-42' } };
    assert.deepEqual(verifyReturnUrl(returnBody, header, secret, { now }), expected);
    assert.deepEqual(verifyReturnUrl(Buffer.from(returnBody), [header], [secret], { now: now.getTime() }), expected);
  });

  it('refuses a changed body, another secret, a missing header', () => {
    assert.deepEqual(verifyReturnUrl(returnBody.replace('10.00', '1000.00'), header, secret, { now }), {
      ok: false,
      reason: 'no signature matches the secret',
    });
    assert.deepEqual(verifyReturnUrl(returnBody, header, 'sk_other', { now }), { ok: false, reason: 'no signature matches the secret' });
    assert.deepEqual(verifyReturnUrl(returnBody, undefined, secret, { now }), { ok: false, reason: 'no Esipay-Signature header' });
  });

  it('refuses a timestamp outside the tolerance (a replay), which the caller can widen', () => {
    const later = new Date((nowS + 301) * 1000);
    assert.deepEqual(verifyReturnUrl(returnBody, header, secret, { now: later }), {
      ok: false,
      reason: 'timestamp outside the 300s tolerance',
    });
    assert.equal(verifyReturnUrl(returnBody, header, secret, { now: later, toleranceSeconds: 600 }).ok, true);
    assert.equal(verifyReturnUrl(returnBody, header, secret, { now: new Date((nowS - 301) * 1000) }).ok, false);
  });

  it('during a rotation, a message signed under both secrets verifies with either, and any of several secrets matches', () => {
    const rotated = signPayload(returnBody, [secret, previous], nowS);
    assert.equal(verifyReturnUrl(returnBody, rotated, previous, { now }).ok, true);
    assert.equal(verifyReturnUrl(returnBody, rotated, secret, { now }).ok, true);
    assert.equal(verifyReturnUrl(returnBody, header, [previous, secret], { now }).ok, true);
  });

  it('refuses a genuine link callback: it is signed the same way, but it is not a payment', () => {
    assert.deepEqual(verifyReturnUrl(linkBody, signPayload(linkBody, [secret], nowS), secret, { now }), {
      ok: false,
      reason: 'signed by esipay, but not a return-URL POST: no type, amount, transaction, cid field',
    });
  });

  it('says what to fix when given a parsed body, no secret, or options it cannot read', () => {
    assert.match(refusal(verifyReturnUrl({ type: 'card' } as never, header, secret, { now })), /already parsed: pass the raw body/);
    assert.match(refusal(verifyReturnUrl(returnBody, header, [], { now })), /^no secret given/);
    assert.match(refusal(verifyReturnUrl(returnBody, header, '', { now })), /a secret is empty/);
    assert.match(refusal(verifyReturnUrl(returnBody, header, secret, { now: new Date('nope') })), /options\.now/);
    assert.match(refusal(verifyReturnUrl(returnBody, header, secret, { toleranceSeconds: -1 })), /options\.toleranceSeconds/);
    assert.match(refusal(verifyReturnUrl(Buffer.from([0xff, 0xfe]), header, secret, { now })), /not UTF-8/);
  });
});

describe('verifyLinkCallback', () => {
  const header = signPayload(linkBody, [secret], nowS);

  it('answers the parsed event when esipay signed it', () => {
    const r = verifyLinkCallback(Buffer.from(linkBody), header, secret, { now });
    assert.ok(r.ok);
    assert.equal(r.payload.event, 'link.paid');
    assert.equal(r.payload.transaction.id, 't-1');
  });

  it('refuses a changed body, an expired timestamp, and a genuine return-URL POST', () => {
    assert.equal(
      refusal(verifyLinkCallback(linkBody.replace('"1000"', '"1"'), header, secret, { now })),
      'no signature matches the secret',
    );
    assert.match(refusal(verifyLinkCallback(linkBody, header, secret, { now: new Date((nowS + 3600) * 1000) })), /tolerance/);
    assert.equal(
      refusal(verifyLinkCallback(returnBody, signPayload(returnBody, [secret], nowS), secret, { now })),
      'signed by esipay, but not a link callback: the body is not JSON',
    );
    const other = JSON.stringify({ event: 'payment.paid' });
    assert.match(refusal(verifyLinkCallback(other, signPayload(other, [secret], nowS), secret, { now })), /no link\.paid or link\.debit/);
  });
});

describe('verifyIpn', () => {
  const body = ipnBody(answer, secret);

  it('answers the payment (kr-answer) from the raw body, a Buffer, URLSearchParams or parsed fields', () => {
    for (const input of [body, Buffer.from(body), new URLSearchParams(body), Object.fromEntries(new URLSearchParams(body))]) {
      assert.deepEqual(verifyIpn(input, secret), { ok: true, payload: answer });
    }
  });

  it('refuses a changed kr-answer, another secret, a missing kr-hash', () => {
    const fields = Object.fromEntries(new URLSearchParams(body));
    const forged = { ...fields, 'kr-answer': fields['kr-answer']!.replace('"PAID"', '"UNPAID"') };
    assert.deepEqual(verifyIpn(forged, secret), { ok: false, reason: 'kr-hash matches no secret' });
    assert.deepEqual(verifyIpn(body, 'sk_other'), { ok: false, reason: 'kr-hash matches no secret' });
    assert.deepEqual(verifyIpn({ ...fields, 'kr-hash': '' }, secret), { ok: false, reason: 'no kr-hash field' });
    assert.match(refusal(verifyIpn({ ...fields, 'kr-hash': ['a', 'b'] }, secret)), /kr-hash field is not a string/);
  });

  it('accepts any of the secrets of a rotation (an IPN is signed with the current one)', () => {
    assert.equal(verifyIpn(body, [previous, secret]).ok, true);
    assert.equal(verifyIpn(ipnBody(answer, previous), [secret, previous]).ok, true);
  });

  it('refuses a signed kr-answer that is not a payment', () => {
    assert.match(refusal(verifyIpn(ipnBody({ hello: 1 } as never, secret), secret)), /not a V4 payment/);
  });
});

describe('the merchant library on any input', () => {
  it('never throws: whatever it is given, it answers { ok: false, reason }', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('hostile getter');
        },
        ownKeys() {
          throw new Error('hostile keys');
        },
      },
    );
    const anything = fc.oneof(fc.anything(), fc.constant(hostile), fc.string(), fc.uint8Array());
    fc.assert(
      fc.property(anything, anything, anything, anything, (a, b, c, d) => {
        for (const r of [
          verifyReturnUrl(a as never, b as never, c as never, d as never),
          verifyLinkCallback(a as never, b as never, c as never, d as never),
          verifyIpn(a as never, c as never),
        ]) {
          assert.equal(r.ok, false);
          assert.equal(typeof (r as { reason: unknown }).reason, 'string');
        }
      }),
      budget(0.25),
    );
  });
});

function refusal(r: { ok: boolean; reason?: string }): string {
  assert.equal(r.ok, false, 'refused');
  return r.reason!;
}
