import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkMinor, formatDecimal, formatMoney, parseDecimal } from '../../src/money/amount.js';
import { currencyExponent } from '../../src/money/currencies.js';

const ok = (input: string, currency = 'EUR') => {
  const r = parseDecimal(input, currency);
  assert.ok(r.ok, `${input} should parse: ${!r.ok ? r.message : ''}`);
  return r.minor;
};
const problem = (input: string, currency = 'EUR') => {
  const r = parseDecimal(input, currency);
  assert.ok(!r.ok, `${input} should be rejected`);
  return r.problem;
};

describe('parseDecimal', () => {
  it('reads decimal amounts into minor units of the currency', () => {
    assert.equal(ok('74.12'), 7412);
    assert.equal(ok('74.1'), 7410);
    assert.equal(ok('74'), 7400);
    assert.equal(ok('0.01'), 1);
    assert.equal(ok('007.50'), 750);
    assert.equal(ok('500', 'JPY'), 500);
    assert.equal(ok('1.234', 'KWD'), 1234);
    assert.equal(ok('0.1', 'KWD'), 100);
  });

  it('refuses anything that is not plain digits with a "." separator', () => {
    for (const bad of ['1e3', '12,50', '-5', '+5', ' 5', '5 ', '1.2.3', '.5', '5.', '', 'abc', '0x10', '1_000', '١٢', 'Infinity', 'NaN']) {
      assert.notEqual(parseDecimal(bad, 'EUR').ok, true, bad);
    }
    assert.equal(problem('12,50'), 'malformed');
    const r = parseDecimal('12,50', 'EUR');
    assert.ok(!r.ok && r.message.includes('"."'));
  });

  it('refuses more decimals than the currency has', () => {
    assert.equal(problem('1.001'), 'too_many_decimals');
    assert.equal(problem('1.5', 'JPY'), 'too_many_decimals');
    assert.equal(problem('1.0001', 'KWD'), 'too_many_decimals');
  });

  it('refuses zero, unknown currencies and amounts beyond safe integers', () => {
    assert.equal(problem('0'), 'not_positive');
    assert.equal(problem('0.00'), 'not_positive');
    assert.equal(problem('1', 'XXX'), 'unknown_currency');
    assert.equal(problem('90071992547409.92'), 'too_large');
    assert.equal(problem('99999999999999999999'), 'too_large');
    assert.equal(ok('90071992547409.91'), Number.MAX_SAFE_INTEGER);
  });

  it('round-trips with formatDecimal for every amount and currency exponent (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom('EUR', 'JPY', 'KWD', 'CLF'), (minor, currency) => {
        const text = formatDecimal(minor, currency);
        const back = parseDecimal(text, currency);
        return back.ok && back.minor === minor;
      }),
    );
  });

  it('never accepts a string that is not digits[.digits] (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const r = parseDecimal(s, 'EUR');
        return !r.ok || (/^\d+(\.\d{1,2})?$/.test(s) && Number.isSafeInteger(r.minor) && r.minor > 0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatDecimal and formatMoney', () => {
  it('prints minor units with the currency exponent and a "." separator', () => {
    assert.equal(formatDecimal(7412, 'EUR'), '74.12');
    assert.equal(formatDecimal(5, 'EUR'), '0.05');
    assert.equal(formatDecimal(500, 'JPY'), '500');
    assert.equal(formatDecimal(1234, 'KWD'), '1.234');
    assert.equal(formatMoney(123456789, 'EUR'), '1,234,567.89 EUR');
  });

  it('knows the exponents of ISO 4217', () => {
    assert.equal(currencyExponent('EUR'), 2);
    assert.equal(currencyExponent('JPY'), 0);
    assert.equal(currencyExponent('KWD'), 3);
    assert.equal(currencyExponent('EURO'), undefined);
  });
});

describe('checkMinor', () => {
  it('accepts positive safe integers only', () => {
    assert.deepEqual(checkMinor(7412), { ok: true, minor: 7412 });
    for (const bad of [0, -1, 1.5, '7412', null, Number.MAX_SAFE_INTEGER + 1, NaN]) assert.equal(checkMinor(bad).ok, false, String(bad));
  });
});
