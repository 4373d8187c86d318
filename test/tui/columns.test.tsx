import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import { TransactionTable } from '../../src/tui/components/TransactionTable.js';
import { type ColumnKey, layoutColumns } from '../../src/tui/model/columns.js';
import type { Entry } from '../../src/tui/model/tx-window.js';
import { tx } from './fake-history.js';

afterEach(() => cleanup());

const initial = tx(3, { kind: 'initial', status: 'AUTHORISED', amount: 10000, shipped: 10000, remaining: 0, cid: 'cmd-ship' });
const entries: Entry[] = [
  { tx: tx(4, { amount: 7412, refunded: 1000, remaining: 6412, status: 'PARTIALLY_REFUNDED', cid: 'order-4' }), depth: 0 },
  { tx: initial, depth: 0 },
  { tx: tx(5, { kind: 'shipment', parent: initial.id, amount: 10000, remaining: 10000, cid: 'cmd-ship' }), depth: 1 },
];

const keys = (width: number) => layoutColumns(width, entries).columns.map((c) => c.key);

function lines(width: number, sort: 'date' | 'amount' = 'date'): string[] {
  const layout = layoutColumns(width, entries, sort);
  const frame = render(<TransactionTable {...{ entries, layout, width }} selected={0} top={0} height={5} empty="none" />).lastFrame();
  return frame!.trimEnd().split('\n');
}

describe('tui columns at every width', () => {
  it('keeps remaining, amount and status at 60 and 80 columns, and every line fits', () => {
    for (const width of [60, 80]) {
      const shown = lines(width);
      assert.match(shown[0]!, /status +amount +remaining/, `the headings at ${width}`);
      assert.match(shown[1]!, /PARTIALLY_REFUNDED +74\.12 EUR +64\.12 EUR/, `the first row at ${width}`);
      assert.match(shown[2]!, /SHIPPED +100\.00 EUR +0\.00 EUR/, `a fully shipped initial at ${width}`);
      for (const l of shown) assert.ok(l.length <= width, `"${l}" fits in ${width}`);
    }
  });

  it('drops the least important columns first, in the order columns.ts writes down', () => {
    const order: ColumnKey[] = ['date', 'id', 'cid', 'kind', 'status', 'amount', 'refunded', 'remaining', 'card'];
    const expected: Record<number, ColumnKey[]> = {
      60: ['id', 'kind', 'status', 'amount', 'remaining'],
      80: ['date', 'id', 'cid', 'kind', 'status', 'amount', 'remaining'],
      120: order,
      200: order,
    };
    for (const [width, want] of Object.entries(expected)) assert.deepEqual(keys(Number(width)), want, `at ${width} columns`);
    assert.deepEqual(keys(40), ['status', 'amount', 'remaining'], 'the three that always stay');
  });

  it('gives wide terminals the card, the full date with seconds, the full id and a wider cid/order', () => {
    const at120 = layoutColumns(120, entries);
    assert.equal(at120.shortDate, false);
    assert.equal(at120.shortId, true);
    const row120 = lines(120)[1]!;
    assert.match(
      row120,
      /^2025-01-01 00:00:04 [0-9a-f]{8} +order-4 +card +PARTIALLY_REFUNDED +74\.12 EUR +10\.00 EUR +64\.12 EUR 411111…1111/,
    );
    const at200 = layoutColumns(200, entries);
    assert.equal(at200.shortId, false);
    assert.ok(lines(200)[1]!.includes(entries[0]!.tx.id));
    assert.equal(at200.columns.find((c) => c.key === 'cid')!.width, 32);
    assert.ok(lines(80)[1]!.startsWith('01-01 00:00 '), 'short dates at 80 columns');
  });

  it('says the order in the column it is sorted by', () => {
    assert.match(lines(120)[0]!, /date \(UTC\) ↓/);
    assert.match(lines(120, 'amount')[0]!, /amount ↓/);
    assert.ok(!lines(120, 'amount')[0]!.includes('date (UTC) ↓'));
  });
});
