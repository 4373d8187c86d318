import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideRefund, decideShipment, remainingOf, remainingToRefund, remainingToShip } from '../../src/domain/decisions.js';
import { initial, merchant, ticker, transaction } from './fixtures.js';

// The money decisions both stores take under their lock (src/domain/decisions.ts), on their own:
// the ceilings are inclusive, another merchant's transaction is not found, and "now" is the caller's.

const at = ticker();
const shop = merchant(at());
const other = merchant(at());

test('a refund may take a PAID payment down to zero, and not one minor unit further', () => {
  const paid = transaction(shop, at(), { amount: 1_000, refunded: 400 });
  assert.equal(remainingToRefund(paid), 600);
  assert.deepEqual(decideRefund(paid, { merchantId: shop.id, amount: 600 }), { ok: true, transaction: paid });
  assert.deepEqual(decideRefund(paid, { merchantId: shop.id, amount: 601 }), { ok: false, reason: 'exceeds_remaining', transaction: paid });
  assert.deepEqual(decideRefund(paid, { merchantId: other.id, amount: 1 }), { ok: false, reason: 'not_found' });
  assert.deepEqual(decideRefund(undefined, { merchantId: shop.id, amount: 1 }), { ok: false, reason: 'not_found' });
});

test('only PAID card, link and shipment transactions are refundable', () => {
  for (const t of [
    transaction(shop, at(), { status: 'PENDING' }),
    transaction(shop, at(), { status: 'DECLINED' }),
    initial(shop, at()),
    initial(shop, at(), { status: 'PAID' }),
  ]) {
    assert.equal(remainingToRefund(t), 0, `${t.kind} ${t.status}`);
    assert.deepEqual(decideRefund(t, { merchantId: shop.id, amount: 1 }), { ok: false, reason: 'not_refundable', transaction: t });
  }
  for (const kind of ['card', 'link', 'shipment'] as const)
    assert.equal(decideRefund(transaction(shop, at(), { kind }), { merchantId: shop.id, amount: 1 }).ok, true, kind);
});

test('a shipment may use what an authorisation has left until the instant it expires', () => {
  const parent = initial(shop, at(), { amount: 5_000, shipped: 1_000, expiresAt: '2031-01-01T00:00:00.000Z' });
  const before = '2030-12-31T23:59:59.999Z';
  assert.equal(remainingToShip(parent, before), 4_000);
  assert.equal(remainingOf(parent, before), 4_000);
  assert.deepEqual(decideShipment(parent, { merchantId: shop.id, amount: 4_000 }, before), { ok: true, parent });
  assert.deepEqual(decideShipment(parent, { merchantId: shop.id, amount: 4_001 }, before), {
    ok: false,
    reason: 'exceeds_remaining',
    parent,
  });
  assert.equal(remainingToShip(parent, parent.expiresAt!), 0);
  assert.deepEqual(decideShipment(parent, { merchantId: shop.id, amount: 1 }, parent.expiresAt!), { ok: false, reason: 'expired', parent });
  assert.deepEqual(decideShipment(parent, { merchantId: other.id, amount: 1 }, before), { ok: false, reason: 'not_found' });
  const card = transaction(shop, at());
  assert.deepEqual(decideShipment(card, { merchantId: shop.id, amount: 1 }, before), { ok: false, reason: 'not_initial', parent: card });
  const declined = initial(shop, at(), { status: 'DECLINED' });
  assert.deepEqual(decideShipment(declined, { merchantId: shop.id, amount: 1 }, before), {
    ok: false,
    reason: 'not_authorised',
    parent: declined,
  });
});

test('what remains is never negative', () => {
  assert.equal(remainingOf(transaction(shop, at(), { amount: 100, refunded: 150 }), at()), 0);
  assert.equal(remainingOf(initial(shop, at(), { amount: 100, shipped: 150 }), '2030-06-01T00:00:00.000Z'), 0);
});
