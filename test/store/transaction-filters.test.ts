import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TransactionRecord, TxDisplayStatus } from '../../src/domain/types.js';
import { displayStatus } from '../../src/domain/transaction-status.js';
import { TX_STATUSES } from '../../src/engine/transaction-filters.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { freshPostgresDatabase } from '../helpers/postgres.js';
import { tempSqlite } from '../helpers/sqlite.js';
import { merchant, ticker, transaction } from './fixtures.js';

/**
 * The status filter is SQL (store/sql/transaction-query.ts) standing in for displayStatus: on
 * both adapters, a row is listed under a status exactly when displayStatus reads it so, at the
 * `now` given, AUTHORISED turning EXPIRED included (which no engine test can wait 180 days for).
 */
for (const [name, open] of [
  [
    'SQLite',
    async () => {
      const { db, cleanup } = tempSqlite();
      return { store: await openStore(db), drop: async () => cleanup() };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const db = await freshPostgresDatabase('tx_filters');
      return { store: await openStore(db.url), drop: () => db.drop() };
    },
  ],
] as const) {
  describe(`the status filter reads rows as displayStatus does: ${name}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    const at = ticker('2030-01-01T00:00:00.000Z');
    const m = merchant(at());
    const expiry = '2030-06-01T00:00:00.000Z';
    const rows: TransactionRecord[] = [];

    before(async () => {
      ({ store, drop } = await open());
      await store.migrate();
      await store.insertMerchant(m);
      const kinds: Partial<TransactionRecord>[] = [
        { status: 'PAID' },
        { status: 'PAID', refunded: 2_500 },
        { status: 'PAID', refunded: 10_000 },
        { status: 'PENDING' },
        { status: 'DECLINED', reason: 'card_declined' },
        { status: 'FAILED', reason: 'acquirer_error' },
        { status: 'CANCELLED', reason: 'the return URL did not answer 200' },
        { kind: 'initial', status: 'AUTHORISED', expiresAt: expiry },
        { kind: 'initial', status: 'AUTHORISED', shipped: 4_000, expiresAt: '2031-01-01T00:00:00.000Z' },
      ];
      for (const over of kinds) {
        const t = transaction(m, at(), over);
        rows.push(t);
        await store.insertTransaction(t);
      }
    });
    after(async () => {
      await store?.close();
      await drop?.();
    });

    for (const now of ['2030-03-01T00:00:00.000Z', expiry, '2030-09-01T00:00:00.000Z']) {
      it(`lists under each status exactly the rows displayed with it at ${now}`, async () => {
        const expected = (statuses: TxDisplayStatus[]) =>
          rows
            .filter((t) => statuses.includes(displayStatus(t, new Date(now))))
            .map((t) => t.id)
            .reverse();
        for (const status of TX_STATUSES) {
          const listed = await store.listTransactions({ merchantId: m.id, limit: 100, statuses: [status], now });
          assert.deepEqual(
            listed.map((t) => t.id),
            expected([status]),
            status,
          );
        }
        const some: TxDisplayStatus[] = ['EXPIRED', 'REFUNDED', 'AUTHORISED'];
        const listed = await store.listTransactions({ merchantId: m.id, limit: 100, statuses: some, now });
        assert.deepEqual(
          listed.map((t) => t.id),
          expected(some),
        );
      });
    }
  });
}
