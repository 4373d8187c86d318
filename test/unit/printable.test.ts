import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskDigitRuns, printable } from '../../src/util/printable.js';

describe('printable(): one echo of input, card numbers masked', () => {
  it('masks a run of 12+ digits that stands on its own, valid card or typo', () => {
    assert.equal(maskDigitRuns('no transaction 4111111111111111'), 'no transaction 411111******1111');
    assert.equal(maskDigitRuns('"4111111111111112" is not a decimal amount'), '"411111******1112" is not a decimal amount');
    assert.equal(maskDigitRuns('order-5555555555554444/x'), 'order-555555******4444/x');
    assert.equal(maskDigitRuns('4111111111111111.00 is too large'), '411111******1111.00 is too large');
  });

  it('leaves the digits of a hex id alone unless a card number could hide in them', () => {
    // 16 digits inside an id, failing Luhn in every window: the id stays readable.
    const id = 'f1838001230045670089d0a7ef837816';
    assert.equal(maskDigitRuns(`no transaction ${id}`), `no transaction ${id}`);
    // A valid card number glued to letters is still masked.
    assert.equal(maskDigitRuns('x4111111111111111y'), 'x411111******1111y');
  });

  it('leaves a uuid whole when its last group is twelve digits (a merchant in 280), and masks a card beside it', () => {
    const merchant = '1e4bc11f-a3a4-45f4-ab54-723445695440';
    assert.equal(
      maskDigitRuns(`the return URL of merchant ${merchant} must answer 200`),
      `the return URL of merchant ${merchant} must answer 200`,
    );
    assert.equal(maskDigitRuns(`${merchant} 4111111111111111`), `${merchant} 411111******1111`);
    // Not a uuid: one digit too many in its last group, so a run of 13 that stands on its own.
    assert.equal(maskDigitRuns('1e4bc11f-a3a4-45f4-ab54-7234456954401'), '1e4bc11f-a3a4-45f4-ab54-723445***4401');
  });

  it('keeps grouped amounts and short numbers, cuts and cleans what it echoes', () => {
    assert.equal(maskDigitRuns('cannot refund 1,234,567,890.00 EUR'), 'cannot refund 1,234,567,890.00 EUR');
    assert.equal(maskDigitRuns('order 12345678901'), 'order 12345678901');
    assert.equal(printable('a\u0000b\nc', { spaces: true }), 'a?b?c');
    assert.equal(printable('x'.repeat(50), { max: 10 }), 'xxxxxxxxxx…');
  });
});
