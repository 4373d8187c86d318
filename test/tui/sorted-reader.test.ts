import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFilter } from '../../src/tui/model/filter.js';
import { amountSortedReader } from '../../src/tui/model/sorted-reader.js';
import { FakeHistory } from './fake-history.js';

describe('tui order by amount', () => {
  it('sorts the newest rows by amount, largest first, and hands them out a chunk at a time', async () => {
    const history = new FakeHistory(50); // amounts 1001 … 1050, the newest the largest
    history.rows = history.rows.map((t, i) => ({ ...t, amount: (i * 37) % 50 }));
    let told: [number, boolean] | undefined;
    const read = amountSortedReader({
      readPage: (c, limit) => history.page(c, limit),
      sampleRows: 1000,
      pageRows: 20,
      chunkRows: 10,
      onSorted: (n, sampled) => (told = [n, sampled]),
    });
    const first = await read(undefined);
    assert.deepEqual(
      first.items.map((t) => t.amount),
      [49, 48, 47, 46, 45, 44, 43, 42, 41, 40],
    );
    assert.deepEqual(told, [50, false]);
    const again = await read(first.next!);
    assert.equal(again.items[0]!.amount, 39, 'the next chunk goes on where the first stopped');
    assert.equal(history.reads, 3, 'sorted once: the later chunks read nothing');
  });

  it('sorts at most sampleRows, the newest, keeps only the matches, and says it is a sample', async () => {
    const history = new FakeHistory(10_000);
    let told: [number, boolean] | undefined;
    const read = amountSortedReader({
      readPage: (c, limit) => history.page(c, limit),
      filter: parseFilter('order-99')!,
      sampleRows: 5000,
      pageRows: 1000,
      chunkRows: 10,
      onSorted: (n, sampled) => (told = [n, sampled]),
    });
    const first = await read(undefined);
    assert.deepEqual(told, [5000, true]);
    assert.equal(history.reads, 5);
    assert.deepEqual(
      first.items.map((t) => t.cid),
      [
        'order-9999',
        'order-9998',
        'order-9997',
        'order-9996',
        'order-9995',
        'order-9994',
        'order-9993',
        'order-9992',
        'order-9991',
        'order-9990',
      ],
    );
  });
});
