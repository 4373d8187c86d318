import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkMinor, formatDecimal, formatMoney, parseDecimal } from '../../src/money/amount.js';
import { currencyExponent } from '../../src/money/currencies.js';
import { budget, reportCases } from './fuzz-budget.js';

reportCases('amount properties');

const CURRENCIES = ['EUR', 'USD', 'JPY', 'KWD', 'CLF', 'XOF', 'BHD'];
const currency = fc.constantFrom(...CURRENCIES);
/** Anything a hostile client can put in a path segment or a JSON string, astral planes included. */
const anyText = fc.oneof(
  fc.string({ maxLength: 60, unit: 'binary' }),
  fc.string({ maxLength: 60 }),
  fc.stringMatching(/^[\d.,eE+\- _]{0,30}$/),
);

/** The exact minor units of a decimal written as digits, by big-integer arithmetic: the model. */
function modelMinor(whole: string, frac: string, exponent: number): bigint {
  return BigInt(whole + frac.padEnd(exponent, '0'));
}

describe('parseDecimal under fuzzing', () => {
  it('agrees with big-integer arithmetic on every well-formed decimal', () => {
    fc.assert(
      fc.property(currency, fc.stringMatching(/^\d{1,20}$/), fc.stringMatching(/^\d{0,4}$/), (cur, whole, frac) => {
        const exp = currencyExponent(cur)!;
        const text = frac.length > 0 ? `${whole}.${frac}` : whole;
        const r = parseDecimal(text, cur);
        if (frac.length > exp) {
          assert.equal(r.ok, false);
          return;
        }
        const model = modelMinor(whole, frac, exp);
        if (model === 0n) assert.ok(!r.ok && r.problem === 'not_positive');
        else if (model > BigInt(Number.MAX_SAFE_INTEGER)) assert.ok(!r.ok && r.problem === 'too_large', text);
        else {
          assert.ok(r.ok, text);
          assert.equal(BigInt(r.minor), model);
        }
      }),
      budget(),
    );
  });

  it('never throws, and any rejection is one printable line that quotes at most 32 characters of the input', () => {
    fc.assert(
      fc.property(anyText, fc.oneof(currency, fc.string({ maxLength: 5 })), (text, cur) => {
        const r = parseDecimal(text, cur);
        if (r.ok) {
          assert.match(text, /^\d+(\.\d+)?$/);
          assert.ok(Number.isSafeInteger(r.minor) && r.minor > 0);
        } else {
          assert.match(r.message, /^[\x20-\x7e…]*$/, 'printable, one line');
          assert.ok(r.message.length < 120, r.message);
        }
      }),
      budget(),
    );
  });

  it('refuses any sign, exponent, space, separator or non-ASCII digit wherever it appears', () => {
    const intruder = fc.constantFrom('-', '+', 'e', 'E', ' ', '\t', ',', '_', '٣', '０', '\u00a0', '\n', 'x', '..');
    fc.assert(
      fc.property(currency, fc.stringMatching(/^\d{1,6}(\.\d{1,2})?$/), intruder, fc.nat(), (cur, good, bad, at) => {
        const i = at % (good.length + 1);
        assert.equal(parseDecimal(good.slice(0, i) + bad + good.slice(i), cur).ok, false);
      }),
      budget(),
    );
  });

  it('formatDecimal → parseDecimal is the identity, and formatMoney only adds grouping and the code', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), currency, (minor, cur) => {
        const text = formatDecimal(minor, cur);
        const back = parseDecimal(text, cur);
        assert.ok(back.ok && back.minor === minor, text);
        const money = formatMoney(minor, cur);
        assert.equal(money.replaceAll(',', ''), `${text} ${cur}`);
        const whole = money.split(/[. ]/)[0]!;
        assert.match(whole, /^\d{1,3}(,\d{3})*$/, money);
      }),
      budget(),
    );
  });

  it('checkMinor accepts exactly the positive safe integers among any JSON value', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.double(),
          fc.integer(),
          fc.bigInt().map((b) => Number(b)),
        ),
        (v) => {
          const r = checkMinor(v);
          assert.equal(r.ok, typeof v === 'number' && Number.isSafeInteger(v) && v > 0);
        },
      ),
      budget(),
    );
  });
});
