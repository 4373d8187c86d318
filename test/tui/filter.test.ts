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
