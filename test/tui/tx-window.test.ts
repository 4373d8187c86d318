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

describe('tui paging window, to the end and flat', () => {
  it('reads to the end keeping its bounds, and reads shipments only for the chunks it keeps', async () => {
    const history = new FakeHistory(1000);
    // Every 10th row an initial authorisation with a shipment.
    history.rows = history.rows.map((t, i) => (i % 10 === 0 ? { ...t, kind: 'initial', status: 'AUTHORISED', shipped: 100 } : t));
    const childReads: string[] = [];
    const w = new TxWindow({
      readChunk: (c) => history.page(c, 10),
      readChildren: async (p) => {
        childReads.push(p.id);
        return [tx(5000 + childReads.length, { kind: 'shipment', parent: p.id })];
      },
      maxRows: 30,
    });
    await w.reset();
    childReads.length = 0;
    let chunks = 0;
    await w.readToEnd(
      () => true,
      () => chunks++,
    );
    assert.equal(w.hasOlder, false);
    assert.equal(chunks, 99);
    assert.equal(w.entries().at(-1)!.tx.cid, 'order-1');
    assert.ok(w.rowCount <= 30, 'bounded');
    assert.equal(childReads.length, 3, 'the shipments of the three initials kept, not of the hundred passed');
    assert.equal(w.entries().filter((e) => e.depth === 1).length, 3);
    assert.equal(w.rowsRead, 1000);
  });

  it('stops reading to the end when told, where it got to', async () => {
    const history = new FakeHistory(1000);
    const w = windowOver(history);
    await w.reset();
    let chunks = 0;
    await w.readToEnd(
      () => chunks < 5,
      () => chunks++,
    );
    assert.equal(w.hasOlder, true);
    assert.equal(cids(w).at(-1), 'order-941');
  });

  it('nests nothing when the chunks hold shipments as rows of their own (a filter)', async () => {
    const history = new FakeHistory(0);
    const initial = tx(1, { kind: 'initial', status: 'AUTHORISED', shipped: 100 });
    const shipment = tx(2, { kind: 'shipment', parent: initial.id });
    history.rows = [shipment, initial];
    let childReads = 0;
    const w = new TxWindow({
      readChunk: (c) => history.page(c, 10),
      readChildren: async () => {
        childReads++;
        return [shipment];
      },
      maxRows: 10,
      nested: false,
    });
    await w.reset();
    w.setChildren(initial.id, [shipment]);
    assert.deepEqual(
      w.entries().map((e) => `${e.depth}:${e.tx.cid}`),
      ['0:order-2', '0:order-1'],
    );
    assert.equal(childReads, 0);
  });
});
