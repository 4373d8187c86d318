import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Engine, ListTransactionsInput } from '../../src/engine/engine.js';
import type { EventView } from '../../src/domain/events.js';
import { engineSource, eventLine, withinRange } from '../../src/tui/model/engine-source.js';
import { FakeHistory, tx } from './fake-history.js';

/** An engine that only lists, over a FakeHistory, counting its calls and the rows it returned. */
function listingEngine(history: FakeHistory) {
  const calls: ListTransactionsInput[] = [];
  let rows = 0;
  const engine = {
    listTransactions: async (q: ListTransactionsInput) => {
      calls.push(q);
      const page = await history.page(q.cursor, q.limit ?? 100);
      rows += page.items.length;
      return page;
    },
  } as unknown as Engine;
  return { engine, calls, rows: () => rows };
}

describe('tui dashboard source over the engine', () => {
  it('counts by status and kind and sums money per day, shipments included, over a small history', async () => {
    const history = new FakeHistory(0);
    history.arrive(
      tx(6, { createdAt: '2025-05-10T10:00:00.000Z', kind: 'shipment', amount: 2500, parent: 'x' }),
      tx(5, { createdAt: '2025-05-10T09:00:00.000Z', kind: 'initial', status: 'AUTHORISED', amount: 5000, shipped: 5000, remaining: 0 }),
      tx(4, { createdAt: '2025-05-09T09:00:00.000Z', amount: 1000, refunded: 1000, remaining: 0, status: 'REFUNDED' }),
      tx(3, { createdAt: '2025-05-09T08:00:00.000Z', amount: 700, status: 'DECLINED', remaining: 0 }),
      tx(2, { createdAt: '2025-05-08T08:00:00.000Z', amount: 7412, refunded: 1000, remaining: 6412, status: 'PARTIALLY_REFUNDED' }),
    );
    const { engine, calls } = listingEngine(history);
    const s = await engineSource(engine).summary('m', {});
    assert.deepEqual(s.byStatus, { PAID: 1, SHIPPED: 1, REFUNDED: 1, DECLINED: 1, PARTIALLY_REFUNDED: 1 });
    assert.deepEqual(s.byKind, { shipment: 1, initial: 1, card: 3 });
    assert.deepEqual(s.days, [
      { day: '2025-05-10', paid: 2500, refunded: 0 },
      { day: '2025-05-09', paid: 1000, refunded: 1000 },
      { day: '2025-05-08', paid: 7412, refunded: 1000 },
    ]);
    assert.equal(s.sampled, false);
    assert.equal(s.counted, 5);
    assert.equal(calls[0]!.topLevel, undefined, 'shipments are counted too');
  });

  it('counts only the newest 5,000 of a big history, in pages of 1,000, and says it is a sample', async () => {
    const history = new FakeHistory(20_000);
    const { engine, calls, rows } = listingEngine(history);
    const s = await engineSource(engine).summary('m', {});
    assert.equal(s.counted, 5000);
    assert.equal(s.sampled, true);
    assert.equal(s.oldest, history.rows[4999]!.createdAt);
    assert.deepEqual(
      calls.map((c) => c.limit),
      [1000, 1000, 1000, 1000, 1000, 1],
    );
    assert.equal(rows(), 5001, 'read no more than the sample and one row to know there is more');
  });

  it('lists within a range: the first row older than since ends the list, rows newer than until are skipped', () => {
    const page = { items: [tx(5), tx(4), tx(3), tx(2), tx(1)], next: 'more' };
    const since = tx(2).createdAt;
    const until = tx(5).createdAt;
    const got = withinRange(page, { since, until });
    assert.deepEqual(
      got.items.map((t) => t.cid),
      ['order-4', 'order-3', 'order-2'],
    );
    assert.equal(got.next, null);
    assert.equal(withinRange(page, {}), page);
  });

  it("gives the detail pane the transaction's events and their delivery; nothing when the engine cannot list them", async () => {
    const event = (over: Partial<EventView>): EventView => ({
      id: 'e1',
      type: 'link.paid',
      status: 'delivered',
      merchant: 'm',
      transaction: 't1',
      url: 'https://shop.example/cb',
      attempts: 1,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: '2026-01-02T10:00:00.000Z',
      resentAt: null,
      createdAt: '2026-01-02T09:59:59.000Z',
      ...over,
    });
    const asked: unknown[] = [];
    const withEvents = {
      listEvents: async (q: unknown) => {
        asked.push(q);
        return {
          items: [
            event({}),
            event({ id: 'e2', type: 'ipn', status: 'dead', attempts: 12, deliveredAt: null, lastError: 'the URL answered HTTP 500' }),
          ],
          next: null,
        };
      },
    } as unknown as Engine;
    const lines = await engineSource(withEvents).events('m', tx(1, { id: 't1' }));
    assert.deepEqual(asked, [{ merchant: 'm', transaction: 't1', limit: 20 }]);
    assert.deepEqual(lines, [
      { at: '2026-01-02T10:00:00.000Z', kind: 'callback', text: 'link.paid to https://shop.example/cb: delivered (1 attempt)', ok: true },
      {
        at: '2026-01-02T09:59:59.000Z',
        kind: 'callback',
        text: 'ipn to https://shop.example/cb: dead after 12 attempts: the URL answered HTTP 500',
        ok: false,
      },
    ]);
    assert.match(
      eventLine(event({ status: 'pending', attempts: 2, deliveredAt: null, nextAttemptAt: '2026-01-02T11:00:00.000Z' })).text,
      /pending, 2 attempts, next 2026-01-02T11:00:00\.000Z/,
    );
    const older = { listEvents: async () => Promise.reject(new Error('404')) } as unknown as Engine;
    assert.equal(await engineSource(older).events('m', tx(1, { id: 't1' })), undefined);
  });
});
