import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { eventOfMessage } from '../../src/outbox/event-types.js';
import { ipnBody } from '../../src/server/v4/ipn.js';
import { openStore } from '../../src/store/open-store.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import type { Migration } from '../../src/store/sql/migration.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { migrateBelow, type RawDatabase, rawPostgres, rawSqlite } from '../helpers/raw-databases.js';

const IPN = ipnBody({ transactions: [{ uuid: 'tx-ipn', detailedStatus: 'REFUSED' }] }, 'secret');
const PAID = JSON.stringify({ event: 'link.paid', transaction: { id: 'tx-paid' } });
const DEBIT = JSON.stringify({ event: 'link.debit', transaction: { id: 'tx-debit' }, debit: { seq: 2, status: 'failed' } });

describe('event types', () => {
  it('names each message by what happened, and the transaction it is about', () => {
    assert.deepEqual(eventOfMessage('ipn', IPN), { type: 'initial.declined', transactionId: 'tx-ipn' });
    const ok = ipnBody({ transactions: [{ uuid: 'tx-1', detailedStatus: 'ACCEPTED' }] }, 'secret');
    assert.deepEqual(eventOfMessage('ipn', ok), { type: 'initial.authorised', transactionId: 'tx-1' });
    const failed = ipnBody({ transactions: [{ uuid: 'tx-2', detailedStatus: 'ERROR' }] }, 'secret');
    assert.deepEqual(eventOfMessage('ipn', failed), { type: 'initial.failed', transactionId: 'tx-2' });
    const paid = ipnBody({ transactions: [{ uuid: 'tx-3', operationType: 'DEBIT', detailedStatus: 'CAPTURED' }] }, 'secret');
    assert.deepEqual(eventOfMessage('ipn', paid), { type: 'payment.paid', transactionId: 'tx-3' });
    const refused = ipnBody({ transactions: [{ uuid: 'tx-4', operationType: 'DEBIT', detailedStatus: 'REFUSED' }] }, 'secret');
    assert.deepEqual(eventOfMessage('ipn', refused), { type: 'payment.declined', transactionId: 'tx-4' });
    assert.deepEqual(eventOfMessage('link_callback', PAID), { type: 'link.paid', transactionId: 'tx-paid' });
    assert.deepEqual(eventOfMessage('link_callback', DEBIT), { type: 'link.debit.failed', transactionId: 'tx-debit' });
    assert.deepEqual(eventOfMessage('ipn', 'not a form'), { type: 'ipn', transactionId: null }, 'an unreadable body keeps its topic');
    assert.deepEqual(eventOfMessage('something_new', '{}'), { type: 'something_new', transactionId: null });
    assert.equal(eventOfMessage('link_email', 'Subject: …'), null, "a consumer's email is not an event");
    assert.equal(eventOfMessage('link_sms', 'Pay here'), null);
  });
});

/**
 * Migration 8 on a database that already holds messages: each becomes an event with the status
 * its delivery state says, link callbacks with the type and transaction their body gives.
 */
for (const [name, raw, migrations] of [
  ['SQLite', () => rawSqlite('esipay-events-migration-'), SQLITE_MIGRATIONS],
  ['PostgreSQL', () => rawPostgres('events_migration'), POSTGRES_MIGRATIONS],
] as [string, () => Promise<RawDatabase>, Migration[]][]) {
  describe(`migration 8 on ${name}`, () => {
    let db: RawDatabase;
    after(() => db?.cleanup());

    it('turns the messages already queued into events', async () => {
      db = await raw();
      await migrateBelow(db, migrations, 8);
      const row = (id: string, topic: string, body: string, attempts: number, delivered: string | null) =>
        `INSERT INTO outbox (id, merchant_id, topic, url, content_type, body, headers, attempts, next_attempt_at, delivered_at, last_error, created_at)
         VALUES ('${id}', 'm-1', '${topic}', 'http://127.0.0.1:9/x', 'application/json', '${body.replaceAll("'", "''")}', '{}', ${attempts},
                 '2030-01-01T00:00:00.000Z', ${delivered ? `'${delivered}'` : 'NULL'}, NULL, '2030-01-01T00:00:0${id.at(-1)}.000Z')`;
      await db.exec(
        [
          row('e1', 'ipn', IPN, 0, null),
          row('e2', 'link_callback', PAID, 1, '2030-01-01T00:00:01.000Z'),
          row('e3', 'link_callback', DEBIT, 3, null),
          row('e4', 'link_email', 'Subject: pay', 1, '2030-01-01T00:00:01.000Z'),
        ].join(';\n'),
      );

      const store = await openStore(db.location);
      const engine = await LocalEngine.create(store);
      try {
        assert.equal((await store.migrationStatus()).pending.length, 0);
        const { items } = await engine.listEvents();
        assert.deepEqual(
          items.map((e) => [e.id, e.type, e.status, e.transaction]),
          [
            ['e3', 'link.debit.failed', 'failed', 'tx-debit'],
            ['e2', 'link.paid', 'delivered', 'tx-paid'],
            ['e1', 'ipn', 'pending', null],
          ],
        );
        assert.deepEqual((await engine.getEvent('e3')).history, [], 'attempts made before migration 8 were not recorded');
      } finally {
        await engine.close();
      }
    });
  });
}
