import assert from 'node:assert/strict';
import type { EventView } from '../../../src/domain/events.js';
import { waitUntil } from '../../helpers/wait-until.js';
import { DECLINED, VISA } from './cards.js';
import { fails } from './fails.js';
import type { UseCase } from './run-engine-contract.js';

/** How long a delivery may take to show: the deliverer beside each setup retries within a second. */
const DELIVERY_MS = 15_000;

/**
 * Events: the IPNs a payment queues, as the Engine lists, shows and resends them, with the
 * attempts the deliverer beside each setup records.
 */
export const events: UseCase = {
  name: 'events',
  cases(c) {
    /** The event of one transaction once it reaches `status`. */
    const eventOf = async (transaction: string, status: EventView['status']): Promise<EventView> => {
      let found: EventView | undefined;
      await waitUntil(
        `the event of ${transaction} is ${status}`,
        DELIVERY_MS,
        async () => {
          found = (await c.engine.listEvents({ transaction })).items.find((e) => e.status === status);
          return found !== undefined;
        },
        50,
      );
      return found!;
    };

    c.test('an IPN is an event: listed with its type and status, shown with its payload and its attempt', async () => {
      const { m, r } = await c.merchant(200);
      const tx = await c.subject.v4Payment(m);
      const e = await eventOf(tx, 'delivered');
      assert.equal(e.type, 'initial.authorised');
      assert.equal(e.merchant, m.uuid);
      assert.equal(e.transaction, tx);
      assert.equal(e.url, `${r.url}/paid`);
      assert.equal(e.attempts, 1);
      assert.equal(e.lastError, null);
      assert.equal(e.nextAttemptAt, null);

      const shown = await c.engine.getEvent(e.id);
      assert.equal(shown.history.length, 1);
      const [attempt] = shown.history;
      assert.equal(attempt!.kind, 'delivery');
      assert.equal(attempt!.status, 200);
      assert.equal(attempt!.error, null);
      assert.equal(attempt!.url, e.url);
      assert.ok(typeof attempt!.durationMs === 'number' && attempt!.durationMs >= 0);
      const payload = shown.payload as Record<string, any>;
      assert.equal(payload['kr-answer'].transactions[0].uuid, tx, 'the payload is the IPN, its kr-answer parsed');
      assert.doesNotMatch(JSON.stringify(shown), new RegExp(VISA), 'no card number in an event');

      assert.deepEqual(
        (await c.engine.listEvents({ merchant: m.uuid, status: 'delivered' })).items.map((x) => x.id),
        [e.id],
      );
      assert.deepEqual((await c.engine.listEvents({ merchant: m.uuid, status: 'pending' })).items, []);
      assert.deepEqual((await c.engine.listEvents({ merchant: m.uuid, type: 'initial.declined' })).items, []);
      assert.equal((await c.engine.getEvent(e.id, m.uuid)).id, e.id);
    });

    c.test('a failing URL: the event is failed with the error of each attempt, and a resend is recorded and delivered', async () => {
      const { m, r } = await c.merchant(500);
      const tx = await c.subject.v4Payment(m, DECLINED);
      const failed = await eventOf(tx, 'failed');
      assert.equal(failed.type, 'initial.declined');
      assert.equal(failed.lastError, 'the URL answered HTTP 500');
      assert.ok(failed.nextAttemptAt !== null, 'another attempt is scheduled');
      const before = await c.engine.getEvent(failed.id);
      assert.ok(before.history.length >= 1);
      assert.ok(before.history.every((a) => a.kind === 'delivery' && a.status === 500 && a.error === 'the URL answered HTTP 500'));

      r.behaviour = 200;
      const queued = await c.engine.resendEvent(failed.id, m.uuid);
      assert.equal(queued.id, failed.id);
      assert.ok(queued.resentAt !== null);
      const delivered = await eventOf(tx, 'delivered');
      const after = await c.engine.getEvent(delivered.id);
      assert.ok(
        after.history.some((a) => a.kind === 'resend'),
        'the resend is in the history',
      );
      assert.equal(after.history.at(-1)!.status, 200);

      // A delivered event can be sent again too.
      const again = await c.engine.resendEvent(delivered.id);
      assert.equal(again.status, 'pending');
      await waitUntil('the second resend is delivered', DELIVERY_MS, async () => {
        const h = (await c.engine.getEvent(delivered.id)).history;
        return h.filter((a) => a.kind === 'resend').length === 2 && h.at(-1)!.kind === 'delivery' && h.at(-1)!.status === 200;
      });
    });

    c.test('pages newest first with a cursor, and follows what happens after a cursor', async () => {
      const { m } = await c.merchant(200);
      let feed = await c.engine.followEvents();
      const first = await c.subject.v4Payment(m);
      const second = await c.subject.v4Payment(m);
      await eventOf(second, 'delivered');
      await eventOf(first, 'delivered');
      const page1 = await c.engine.listEvents({ merchant: m.uuid, limit: 1 });
      assert.deepEqual(
        page1.items.map((e) => e.transaction),
        [second],
      );
      assert.ok(page1.next);
      const page2 = await c.engine.listEvents({ merchant: m.uuid, limit: 1, cursor: page1.next });
      assert.deepEqual(
        page2.items.map((e) => e.transaction),
        [first],
      );
      assert.equal(page2.next, null);

      const seen: string[] = [];
      await waitUntil('the feed shows both events and both attempts', DELIVERY_MS, async () => {
        feed = await c.engine.followEvents({ after: feed.cursor });
        for (const item of feed.items) {
          if (item.event.merchant === m.uuid) seen.push(`${item.kind} ${item.event.transaction} ${item.attempt?.status ?? ''}`.trim());
        }
        return seen.length >= 4;
      });
      assert.deepEqual(seen.sort(), [`attempt ${first} 200`, `attempt ${second} 200`, `event ${first}`, `event ${second}`].sort());
    });

    c.test('refuses an unknown event, status or cursor', async () => {
      const { m } = await c.merchant(200);
      await fails(c.engine.getEvent('0123456789abcdef0123456789abcdef'), 'not_found', 'unknown_event');
      await fails(c.engine.resendEvent('0123456789abcdef0123456789abcdef'), 'not_found', 'unknown_event');
      await fails(c.engine.listEvents({ status: 'lost' }), 'invalid', 'invalid_event_status');
      await fails(c.engine.listEvents({ cursor: 'not-a-cursor' }), 'invalid', 'invalid_cursor');
      await fails(c.engine.followEvents({ after: 'not-a-cursor' }), 'invalid', 'invalid_cursor');
      const tx = await c.subject.v4Payment(m);
      const e = await eventOf(tx, 'delivered');
      const other = await c.merchant(200);
      await fails(c.engine.getEvent(e.id, other.m.uuid), 'not_found', 'unknown_event');
    });
  },
};
