import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TxWindow } from '../../src/tui/model/tx-window.js';
import { FakeHistory, tx } from './fake-history.js';

function windowOver(history: FakeHistory, opts: { pageSize?: number; maxRows?: number } = {}) {
  const pageSize = opts.pageSize ?? 10;
  return new TxWindow({
    readChunk: (cursor) => history.page(cursor, pageSize),
    readChildren: async () => [],
    maxRows: opts.maxRows ?? 30,
  });
}

const cids = (w: TxWindow) => w.entries().map((e) => e.tx.cid);

describe('tui paging window', () => {
  it('reads the newest page first, then older pages one at a time', async () => {
    const history = new FakeHistory(100);
    const w = windowOver(history);
    await w.reset();
    assert.equal(w.rowCount, 10);
    assert.equal(cids(w)[0], 'order-100');
    assert.equal(w.hasOlder, true);
    await w.loadOlder();
    assert.deepEqual(cids(w).slice(9, 11), ['order-91', 'order-90']);
    assert.equal(history.reads, 2);
  });

  it('keeps at most maxRows in memory while reading to the end, and reads dropped pages back', async () => {
    const history = new FakeHistory(1000);
    const w = windowOver(history, { maxRows: 30 });
    await w.reset();
    while (w.hasOlder) {
      await w.loadOlder();
      assert.ok(w.rowCount <= 30, `holds ${w.rowCount} rows`);
    }
    assert.equal(cids(w).at(-1), 'order-1');
    assert.equal(w.hasNewer, true);
    while (w.hasNewer) await w.loadNewer();
    assert.equal(cids(w)[0], 'order-1000');
    assert.ok(w.rowCount <= 30);
    // Contiguous: no row lost or repeated on the way back up.
    const numbers = cids(w).map((c) => Number(c.slice(6)));
    assert.deepEqual(
      numbers,
      Array.from({ length: numbers.length }, (_, i) => 1000 - i),
    );
  });

  it('puts new transactions on top when it starts at the top, and refreshes rows it holds', async () => {
    const history = new FakeHistory(20);
    const w = windowOver(history);
    await w.reset();
    const { added, updated } = await w.mergeHead(
      [tx(22), tx(21)],
      [tx(20, { status: 'PARTIALLY_REFUNDED', refunded: 5, remaining: 1015 })],
    );
    assert.equal(added, 2);
    assert.equal(updated, 1);
    assert.deepEqual(cids(w).slice(0, 3), ['order-22', 'order-21', 'order-20']);
    assert.equal(w.find(tx(20).id)?.refunded, 5);
  });

  it('restarts from the top when going back up after new transactions arrived', async () => {
    const history = new FakeHistory(100);
    const w = windowOver(history, { maxRows: 20 });
    await w.reset();
    await w.loadOlder();
    await w.loadOlder(); // the newest page is dropped
    assert.equal(w.hasNewer, true);
    history.arrive(tx(101), tx(102));
    const keep = tx(85).id;
    await w.loadNewer(keep);
    assert.equal(cids(w)[0], 'order-101');
    assert.ok(w.has(keep), 'reads down to the selected row');
    assert.equal(w.hasNewer, false);
  });

  it('nests the shipments of an initial authorisation under it', async () => {
    const history = new FakeHistory(0);
    const initial = tx(1, { kind: 'initial', status: 'AUTHORISED', shipped: 300, remaining: 701 });
    history.rows = [tx(2), initial];
    const shipments = [
      tx(10, { kind: 'shipment', parent: initial.id, amount: 100 }),
      tx(11, { kind: 'shipment', parent: initial.id, amount: 200 }),
    ];
    const w = new TxWindow({
      readChunk: (c) => history.page(c, 10),
      readChildren: async (p) => (p.id === initial.id ? shipments : []),
      maxRows: 10,
    });
    await w.reset();
    assert.deepEqual(
      w.entries().map((e) => `${e.depth}:${e.tx.cid}`),
      ['0:order-2', '0:order-1', '1:order-10', '1:order-11'],
    );
  });
});
