import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cardBrand, cardHash, luhnValid, parseCard, redactPans, splitExpiry } from '../../src/card/card.js';
import { TEST_CARDS } from '../../src/acquirer/simulator.js';

const NOW = new Date('2026-11-24T12:00:00Z');

describe('parseCard', () => {
  it('accepts Luhn-valid numbers of 12 to 19 digits and keeps only first 6 and last 4 for display', () => {
    const r = parseCard({ number: '4111111111111111', month: '12', year: '2030' }, NOW);
    assert.ok(r.ok);
    assert.equal(r.card.first6, '411111');
    assert.equal(r.card.last4, '1111');
    assert.equal(r.card.brand, 'visa');
    assert.equal(r.card.expYear, 2030);
  });

  it('reads a 2-digit year as 20YY', () => {
    const r = parseCard({ number: '5555555555554444', month: '1', year: '31' }, NOW);
    assert.ok(r.ok);
    assert.equal(r.card.expYear, 2031);
    assert.equal(r.card.expMonth, 1);
  });

  it('refuses bad numbers, months, years and expired cards with the reason', () => {
    const reject = (number: string, month: string, year: string) => {
      const r = parseCard({ number, month, year }, NOW);
      assert.ok(!r.ok, `${number} ${month}/${year}`);
      return r.problem;
    };
    assert.equal(reject('4111111111111112', '12', '2030'), 'card_number'); // Luhn
    assert.equal(reject('41111111111', '12', '2030'), 'card_number'); // 11 digits
    assert.equal(reject('41111111111111111111', '12', '2030'), 'card_number'); // 20 digits
    assert.equal(reject('4111 1111 1111 1111', '12', '2030'), 'card_number');
    assert.equal(reject('4111111111111111', '13', '2030'), 'card_month');
    assert.equal(reject('4111111111111111', '0', '2030'), 'card_month');
    assert.equal(reject('4111111111111111', 'ab', '2030'), 'card_month');
    assert.equal(reject('4111111111111111', '12', '203'), 'card_year');
    assert.equal(reject('4111111111111111', '10', '2026'), 'card_expired');
    assert.equal(parseCard({ number: '4111111111111111', month: '11', year: '2026' }, NOW).ok, true); // valid through its month
  });

  it('has Luhn-valid test cards', () => {
    for (const c of TEST_CARDS) assert.ok(luhnValid(c.number), c.number);
  });

  it('accepts exactly the Luhn-valid digit strings (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12,19}$/), (digits) => {
        const r = parseCard({ number: digits, month: '12', year: '2040' }, NOW);
        return r.ok === luhnValid(digits);
      }),
    );
  });
});

describe('card helpers', () => {
  it('splits expiry forms', () => {
    assert.deepEqual(splitExpiry('12/2030'), { month: '12', year: '2030' });
    assert.deepEqual(splitExpiry('1/30'), { month: '1', year: '30' });
    assert.deepEqual(splitExpiry('2030-12'), { month: '12', year: '2030' });
    assert.equal(splitExpiry('12-2030x'), undefined);
  });

  it('tells brands apart', () => {
    assert.equal(cardBrand('4111111111111111'), 'visa');
    assert.equal(cardBrand('5555555555554444'), 'mastercard');
    assert.equal(cardBrand('378282246310005'), 'amex');
  });

  it('hashes with a key: same card same hash, another key another hash', () => {
    const k1 = Buffer.alloc(32, 1);
    const k2 = Buffer.alloc(32, 2);
    assert.equal(cardHash('4111111111111111', k1), cardHash('4111111111111111', k1));
    assert.notEqual(cardHash('4111111111111111', k1), cardHash('4111111111111111', k2));
    assert.ok(!cardHash('4111111111111111', k1).includes('4111111111111111'));
  });

  it('redacts card numbers in any text', () => {
    assert.equal(redactPans('GET /cardpay/u/c/4111111111111111/12/2030/5'), 'GET /cardpay/u/c/411111******1111/12/2030/5');
    assert.equal(redactPans('order 123456789013 3'), 'order 123456789013 3'); // no Luhn-valid window: left alone
    assert.ok(!redactPans('x41111111111111111').includes('4111111111111111'), 'a card inside a longer run of digits');
    // A merchant uuid whose last group is twelve digits passing Luhn is still named whole.
    const merchant = '1e4bc11f-a3a4-45f4-ab54-723445695445';
    assert.equal(redactPans(`merchant ${merchant} 4111111111111111`), `merchant ${merchant} 411111******1111`);
  });
});
