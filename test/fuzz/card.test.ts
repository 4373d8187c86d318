import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cardBrand, luhnValid, parseCard, redactPans, splitExpiry } from '../../src/card/card.js';
import { budget, reportCases } from './fuzz-budget.js';

reportCases('card and redaction properties');

const NOW = new Date('2026-06-15T12:00:00Z');

/** Completes a digit string with the Luhn check digit. */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable: one check digit always fits');
}

/** Luhn-valid PANs of 12 to 19 digits. */
const pan = fc.stringMatching(/^[1-9]\d{10,17}$/).map(withCheckDigit);
const anyText = fc.oneof(fc.string({ maxLength: 40, unit: 'binary' }), fc.string({ maxLength: 40 }), fc.stringMatching(/^[\d /-]{0,25}$/));

describe('card parsing under fuzzing', () => {
  it('parseCard never throws, and accepts a number only when it is 12–19 digits with a valid Luhn check', () => {
    fc.assert(
      fc.property(
        fc.oneof(anyText, pan),
        fc.oneof(anyText, fc.integer({ min: -5, max: 20 })),
        fc.oneof(anyText, fc.integer({ min: 0, max: 3000 })),
        (number, month, year) => {
          const r = parseCard({ number, month, year }, NOW);
          if (r.ok) {
            assert.match(number, /^\d{12,19}$/);
            assert.ok(luhnValid(number));
            assert.ok(r.card.expMonth >= 1 && r.card.expMonth <= 12);
          } else {
            // The refusal never echoes the number back: it may be a real card.
            if (number.length >= 6) assert.ok(!r.message.includes(number), r.message);
          }
        },
      ),
      budget(),
    );
  });

  it('keeps only the first 6 and last 4 digits for display, and the brand by prefix', () => {
    fc.assert(
      fc.property(pan, (p) => {
        const r = parseCard({ number: p, month: 12, year: 2040 }, NOW);
        assert.ok(r.ok);
        assert.equal(r.card.first6, p.slice(0, 6));
        assert.equal(r.card.last4, p.slice(-4));
        assert.equal(r.card.brand, cardBrand(p));
      }),
      budget(),
    );
  });

  it('Luhn catches every single-digit typo and every swap of two different adjacent digits', () => {
    fc.assert(
      fc.property(pan, fc.nat(), fc.integer({ min: 1, max: 9 }), (p, at, delta) => {
        const i = at % p.length;
        const typo = p.slice(0, i) + String((Number(p[i]) + delta) % 10) + p.slice(i + 1);
        assert.equal(luhnValid(typo), false, `${p} → ${typo}`);
        const j = at % (p.length - 1);
        const [a, b] = [p[j]!, p[j + 1]!];
        // 0↔9 is the one adjacent swap Luhn cannot see.
        if (a !== b && !((a === '0' && b === '9') || (a === '9' && b === '0'))) {
          assert.equal(luhnValid(p.slice(0, j) + b + a + p.slice(j + 2)), false);
        }
      }),
      budget(),
    );
  });

  it('a card is valid through the last day of its expiry month, and not after', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2070 }),
        fc.integer({ min: 1, max: 12 }),
        fc.date({ min: new Date('2001-01-01'), max: new Date('2070-12-31'), noInvalidDate: true }),
        (year, month, now) => {
          const r = parseCard({ number: '4111111111111111', month, year }, now);
          const expired = year * 12 + month - 1 < now.getUTCFullYear() * 12 + now.getUTCMonth();
          const tooFar = year > now.getUTCFullYear() + 50;
          assert.equal(r.ok, !expired && !tooFar, `${month}/${year} at ${now.toISOString()}`);
          if (!r.ok) assert.equal(r.problem, expired ? 'card_expired' : 'card_year');
        },
      ),
      budget(),
    );
  });

  it('splitExpiry never throws, and what it accepts round-trips through MM/YYYY', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const r = splitExpiry(text);
        if (r) {
          assert.match(r.month, /^\d{1,2}$/);
          assert.match(r.year, /^(\d{2}|\d{4})$/);
          assert.deepEqual(splitExpiry(`${r.month}/${r.year}`), r);
        }
      }),
      budget(),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2000, max: 2099 }), (m, y) => {
        assert.deepEqual(splitExpiry(`${m}/${y}`), { month: String(m), year: String(y) });
        assert.deepEqual(splitExpiry(`${y}-${m}`), { month: String(m), year: String(y) });
      }),
      budget(),
    );
  });
});

describe('redactPans under fuzzing', () => {
  const nonDigit = fc.string({ maxLength: 30 }).map((s) => s.replace(/\d/g, ''));

  it('no PAN separated from other digits survives, wherever it sits in any text', () => {
    fc.assert(
      fc.property(nonDigit, pan, nonDigit, pan, nonDigit, (a, p1, b, p2, c) => {
        const text = `${a}${p1}${b.length ? b : ' '}${p2}${c}`;
        const out = redactPans(text);
        assert.ok(!out.includes(p1) && !out.includes(p2), out);
        assert.ok(out.includes(`${p1.slice(0, 6)}******${p1.slice(-4)}`));
        assert.equal(redactPans(out), out, 'idempotent');
      }),
      budget(),
    );
  });

  it('leaves text with no PAN untouched', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        fc.pre(!/\d{12,19}/.test(text));
        assert.equal(redactPans(text), text);
      }),
      budget(),
    );
  });
});
