import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAmount, refusal } from '../../src/tui/model/operations.js';
import { tx } from './fake-history.js';

describe('tui amount prompt', () => {
  const payment = tx(1, { amount: 7412, refunded: 1000, remaining: 6412 });
  const prompt = (text: string, action: 'refund' | 'ship' = 'refund') => checkAmount({ name: 'amount', action, tx: payment, text });

  it('an empty refund amount means all that remains; a typed one is read as integer minor units', () => {
    assert.deepEqual(prompt(''), { name: 'confirm', action: 'refund', tx: payment, amount: 6412, all: true, busy: false });
    assert.deepEqual(prompt(' 10.5 '), { name: 'confirm', action: 'refund', tx: payment, amount: 1050, all: false, busy: false });
    assert.deepEqual(prompt('64.12'), { name: 'confirm', action: 'refund', tx: payment, amount: 6412, all: false, busy: false });
  });

  it('says what is wrong and stays on the prompt', () => {
    const error = (m: ReturnType<typeof checkAmount>) => (m.name === 'amount' ? m.error : undefined);
    assert.equal(error(prompt('1,50')), '"1,50" is not a decimal amount (use "." as the decimal separator)');
    assert.equal(error(prompt('1.234')), 'EUR has at most 2 decimals: "1.234"');
    assert.equal(error(prompt('0')), 'the amount must be greater than zero');
    assert.equal(error(prompt('64.13')), '64.13 EUR is more than the 64.12 EUR that remains to refund');
    assert.equal(error(prompt('', 'ship')), 'type the amount to ship');
  });

  it('says why r or s cannot act, with the status as shown', () => {
    const shipped = tx(2, { kind: 'initial', status: 'AUTHORISED', amount: 5000, shipped: 5000, remaining: 0 });
    assert.equal(refusal('ship', shipped), `nothing left to ship on ${shipped.id} (SHIPPED)`);
    assert.match(refusal('refund', shipped)!, /^an initial authorisation debits nothing/);
    assert.equal(refusal('refund', payment), undefined);
    assert.equal(refusal('ship', payment), 'shipments are made against an initial authorisation (kind initial)');
    const refunded = tx(3, { status: 'REFUNDED', refunded: 1003, remaining: 0 });
    assert.equal(refusal('refund', refunded), `nothing left to refund on ${refunded.id} (REFUNDED)`);
  });
});
