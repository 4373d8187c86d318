import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_TOLERANCE_S, signPayload, verifySignature } from '../../src/callback/signature.js';
import { budget, reportCases } from './fuzz-budget.js';

reportCases('signature properties');

const secret = fc.string({ minLength: 8, maxLength: 60 });
const body = fc.string({ maxLength: 300, unit: 'binary' });
const now = fc.integer({ min: 1_600_000_000, max: 2_500_000_000 });

describe('callback signatures under fuzzing', () => {
  it('what esipay signs verifies with any of the secrets it signed with, within the tolerance', () => {
    fc.assert(
      fc.property(
        body,
        fc.array(secret, { minLength: 1, maxLength: 3 }),
        now,
        fc.integer({ min: -DEFAULT_TOLERANCE_S, max: DEFAULT_TOLERANCE_S }),
        (b, secrets, t, skew) => {
          const header = signPayload(b, secrets, t);
          for (const s of secrets) assert.deepEqual(verifySignature(b, header, [s], t + skew), { ok: true, timestamp: t });
        },
      ),
      budget(),
    );
  });

  it('the documented recipe (HMAC-SHA256 of "<t>.<body>", hex) is what the header carries', () => {
    fc.assert(
      fc.property(body, secret, now, (b, s, t) => {
        const v1 = createHmac('sha256', s).update(`${t}.${b}`).digest('hex');
        assert.equal(signPayload(b, [s], t), `t=${t},v1=${v1}`);
      }),
      budget(),
    );
  });

  it('changing any character of the body fails', () => {
    fc.assert(
      fc.property(
        body.filter((b) => b.length > 0),
        secret,
        now,
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
        (b, s, t, at, c) => {
          const i = at % b.length;
          fc.pre(b[i] !== c);
          const tampered = b.slice(0, i) + c + b.slice(i + 1);
          fc.pre(tampered !== b);
          assert.equal(verifySignature(tampered, signPayload(b, [s], t), [s], t).ok, false);
        },
      ),
      budget(),
    );
  });

  it('appending to or truncating the body fails', () => {
    fc.assert(
      fc.property(body, fc.string({ minLength: 1, maxLength: 10 }), secret, now, (b, extra, s, t) => {
        const header = signPayload(b, [s], t);
        assert.equal(verifySignature(b + extra, header, [s], t).ok, false);
        if (b.length > 0) assert.equal(verifySignature(b.slice(0, -1), header, [s], t).ok, false);
      }),
      budget(),
    );
  });

  it('changing the timestamp fails (it is signed), and so does one outside the tolerance', () => {
    fc.assert(
      fc.property(body, secret, now, fc.integer({ min: 1, max: 10_000 }), (b, s, t, d) => {
        const header = signPayload(b, [s], t);
        const moved = header.replace(`t=${t}`, `t=${t + d}`);
        assert.equal(verifySignature(b, moved, [s], t + d).ok, false);
        assert.equal(verifySignature(b, header, [s], t + DEFAULT_TOLERANCE_S + d).ok, false);
        assert.equal(verifySignature(b, header, [s], t - DEFAULT_TOLERANCE_S - d).ok, false);
      }),
      budget(),
    );
  });

  it('changing any hex digit of the signature fails', () => {
    fc.assert(
      fc.property(body, secret, now, fc.integer({ min: 0, max: 63 }), fc.integer({ min: 1, max: 15 }), (b, s, t, at, delta) => {
        const header = signPayload(b, [s], t);
        const v1 = header.split('v1=')[1]!;
        const digit = ((parseInt(v1[at]!, 16) + delta) % 16).toString(16);
        const forged = header.replace(v1, v1.slice(0, at) + digit + v1.slice(at + 1));
        assert.equal(verifySignature(b, forged, [s], t).ok, false);
      }),
      budget(),
    );
  });

  it('a signature under another secret fails: during a rotation only the secrets the merchant holds count', () => {
    fc.assert(
      fc.property(body, secret, secret, secret, now, (b, fresh, previous, stranger, t) => {
        fc.pre(new Set([fresh, previous, stranger]).size === 3);
        const rotating = signPayload(b, [fresh, previous], t);
        assert.equal(verifySignature(b, rotating, [previous], t).ok, true, 'the previous secret still verifies');
        assert.equal(verifySignature(b, signPayload(b, [fresh], t), [previous], t).ok, false, 'after the rotation ends it does not');
        assert.equal(verifySignature(b, rotating, [stranger], t).ok, false);
      }),
      budget(),
    );
  });

  it('any header at all never throws, and only a genuine one verifies', () => {
    fc.assert(
      fc.property(
        body,
        secret,
        fc.oneof(fc.string({ maxLength: 200, unit: 'binary' }), fc.stringMatching(/^(t=\d{0,12}|v1=[0-9a-fA-F]{0,70}|[=,\s])*$/)),
        now,
        (b, s, header, t) => {
          const genuine = signPayload(b, [s], t).split(',')[1]!.slice(3).toLowerCase();
          const r = verifySignature(b, header, [s], t);
          if (r.ok) assert.ok(header.toLowerCase().includes(genuine));
        },
      ),
      budget(),
    );
  });
});
