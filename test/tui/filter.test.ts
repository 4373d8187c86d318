import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFilter, scanningReader } from '../../src/tui/model/filter.js';
import { FakeHistory, tx } from './fake-history.js';

describe('tui filter', () => {
  it('matches id, cid, status and amount (exact decimal, or whole units)', () => {
    const t = tx(1, { amount: 7412, cid: 'Order-ABC', status: 'PARTIALLY_REFUNDED' });
    const yes = (q: string) => parseFilter(q)!.matches(t);
    assert.equal(yes('74.12'), true);
    assert.equal(yes('74'), true);
    assert.equal(yes('74.1'), false);
    assert.equal(yes('74.13'), false);
    assert.equal(yes('7'), false);
    assert.equal(yes('order-abc'), true);
    assert.equal(yes('refunded'), true);
    assert.equal(yes('declined'), false);
    assert.equal(yes(t.id.slice(-6)), true);
    assert.equal(parseFilter('  '), undefined);
    assert.equal(parseFilter(t.id)!.exactId, t.id);
  });

  it('scans pages for matches, a bounded number of rows per chunk, resuming where it stopped', async () => {
    const history = new FakeHistory(1000);
    const filter = parseFilter('order-5')!; // order-5, order-50…59, order-500…599
    let scanned = 0;
    const read = scanningReader((c) => history.page(c, 100), filter, { want: 20, budget: 300, onScanned: (n) => (scanned += n) });
    const first = await read(undefined);
    // order-1000 … order-701 hold no match: the chunk stops at the budget, empty, with a cursor.
    assert.deepEqual(first.items, []);
    assert.equal(scanned, 300);
    assert.notEqual(first.next, null);
    const second = await read(first.next!);
    // order-700 … order-501: stops at the end of the page where it has enough matches.
    assert.equal(scanned, 500);
    assert.equal(second.items.length, 99);
    assert.ok(second.items.every((t) => t.cid.startsWith('order-5')));
    const third = await read(second.next!);
    assert.deepEqual(
      third.items.map((t) => t.cid),
      ['order-500'],
    ); // then 300 rows, the budget
  });
});

describe('tui filter words', () => {
  // An id whose hex holds "74" and "7412": a number must not find it by that.
  const hexy = tx(1, { id: '0190a3b7412c74000000000000007400', amount: 1000, cid: 'order-9' });
  const exact = tx(2, { amount: 7412, cid: 'order-2' });
  const round = tx(3, { amount: 7400, cid: 'order-3' });
  const shipment = tx(4, { id: '0190a3b7aaaa00000000000012345678', kind: 'shipment', parent: 'p', amount: 2500, cid: 'cmd-7' });
  const numericCid = tx(5, { amount: 100, cid: '74' });
  const all = [hexy, exact, round, shipment, numericCid];
  const found = (q: string) => all.filter((t) => parseFilter(q)!.matches(t)).map((t) => t.cid);

  it('reads a number as an amount, never as hex inside an id', () => {
    assert.deepEqual(found('74'), ['order-2', 'order-3', '74']); // 74.12, 74.00, and the cid that is exactly 74
    assert.deepEqual(found('74.12'), ['order-2']);
    assert.deepEqual(found('74.00'), ['order-3']);
    assert.deepEqual(found('7412'), []);
  });

  it('finds a shipment by its kind and by the short id the table shows (its last 8 characters)', () => {
    assert.deepEqual(found('shipment'), ['cmd-7']);
    assert.deepEqual(found('ship'), ['cmd-7']);
    assert.deepEqual(found('12345678'), ['cmd-7'], 'a short id of digits is still an id');
    assert.deepEqual(found(shipment.id), ['cmd-7']);
    assert.equal(parseFilter(shipment.id)!.exactId, shipment.id);
  });

  it('needs every word, and takes status: and kind: words exactly', () => {
    assert.deepEqual(found('shipment 25'), ['cmd-7']);
    assert.deepEqual(found('card 74'), ['order-2', 'order-3', '74']);
    assert.deepEqual(found('kind:shipment'), ['cmd-7']);
    const refunded = tx(6, { status: 'PARTIALLY_REFUNDED' });
    assert.equal(parseFilter('status:refunded')!.matches(refunded), false);
    assert.equal(parseFilter('status:partially_refunded')!.matches(refunded), true);
    assert.equal(parseFilter('refunded')!.matches(refunded), true);
  });

  it('matches the status as shown: a fully shipped initial authorisation is SHIPPED', () => {
    const shipped = tx(7, { kind: 'initial', status: 'AUTHORISED', amount: 5000, shipped: 5000, remaining: 0 });
    assert.equal(parseFilter('shipped')!.matches(shipped), true);
    assert.equal(parseFilter('status:shipped')!.matches(shipped), true);
    assert.equal(parseFilter('status:authorised')!.matches(shipped), false);
  });
});
