/**
 * Seeds a merchant with N transactions, fast, for measuring the dashboard at scale.
 *
 *   node dist/bench/seed-transactions.js --db /tmp/big.db --count 1000000 [--merchant <uuid>]
 *
 * The merchant is registered through the LocalEngine (so it is a real one); the transactions are
 * written with the SQLite store's own row mapping in ONE database transaction: a million rows in
 * seconds, where a million payments through the engine would take hours. The mix looks like a
 * shop's history: card payments (some partially or fully refunded, some declined), and every 10th
 * an initial authorisation with one or two shipments under it. Times go back one second per row.
 * Prints one JSON line: { merchant, db, count, seconds }.
 */
import Database from 'better-sqlite3';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { RefundRecord, TransactionRecord } from '../src/domain/types.js';
import { LocalEngine } from '../src/engine/local/local-engine.js';
import { openStore } from '../src/store/open-store.js';
import { refundToRow, transactionToRow } from '../src/store/sql/rows.js';
import { insertSql } from '../src/store/sqlite/sql.js';
import { newId } from '../src/util/ids.js';
import { newTransactionRecord } from '../src/engine/local/records.js';

export interface SeedOptions {
  db: string;
  count: number;
  /** An existing merchant; otherwise one is registered. */
  merchant?: string;
  /** The newest transaction's time; the others go back one second each. */
  now?: Date;
}

export interface SeedResult {
  merchant: string;
  count: number;
  seconds: number;
}

export async function seedTransactions(opts: SeedOptions): Promise<SeedResult> {
  const started = process.hrtime.bigint();
  const store = await openStore(opts.db);
  let merchant = opts.merchant;
  let currency = 'EUR';
  try {
    const engine = await LocalEngine.create(store);
    if (merchant) currency = (await engine.getMerchant(merchant)).currency;
    else merchant = (await engine.registerMerchant({ name: 'Big Shop', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:9/paid' })).uuid;
  } finally {
    await store.close();
  }

  const db = new Database(opts.db);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const now = (opts.now ?? new Date()).getTime();
  const expires = new Date(now + 180 * 24 * 3600 * 1000).toISOString();
  let stmt: Database.Statement | undefined;
  const insert = (t: TransactionRecord) => {
    const row = transactionToRow(t);
    stmt ??= db.prepare(insertSql('transactions', row));
    stmt.run(row);
  };
  let refundStmt: Database.Statement | undefined;
  const insertRefund = (r: RefundRecord) => {
    const row = refundToRow(r);
    refundStmt ??= db.prepare(insertSql('refunds', row));
    refundStmt.run(row);
  };
  let written = 0;
  db.transaction(() => {
    // Oldest first, so that i is also the age order; `seq` numbers the rows from the oldest.
    for (let seq = 0; written < opts.count; seq++) {
      const at = new Date(now - (opts.count - written) * 1000).toISOString();
      const amount = 100 + ((seq * 7919) % 99_900);
      const base = newTransactionRecord(
        {
          merchantId: merchant!,
          kind: 'card',
          cid: `order-${seq}`,
          status: 'PAID',
          amount,
          currency,
          cardFirst6: '411111',
          cardLast4: '1111',
          cardBrand: 'visa',
          authCode: '000000',
          callbackStatus: 200,
        },
        new Date(at),
      );
      if (seq % 10 === 9 && written + 2 < opts.count) {
        const shipments = 1 + (seq % 2);
        const each = Math.floor(amount / 4);
        insert({ ...base, kind: 'initial', status: 'AUTHORISED', shipped: each * shipments, expiresAt: expires, callbackStatus: null });
        const parentId = base.id;
        written++;
        for (let k = 0; k < shipments && written < opts.count; k++) {
          const sat = new Date(now - (opts.count - written) * 1000).toISOString();
          insert({
            ...base,
            id: newId(),
            kind: 'shipment',
            cid: `order-${seq}`,
            parentId,
            amount: each,
            createdAt: sat,
            updatedAt: sat,
            callbackStatus: null,
          });
          written++;
        }
        continue;
      }
      if (seq % 13 === 0) insert({ ...base, status: 'DECLINED', reason: 'card declined', callbackStatus: null });
      else if (seq % 7 === 0) {
        // A refunded payment comes with its refund record, so the seeded ledger passes `esipay verify`.
        const refunded = seq % 14 === 0 ? amount : Math.floor(amount / 3);
        insert({ ...base, refunded });
        insertRefund({ id: newId(), transactionId: base.id, merchantId: base.merchantId, amount: refunded, currency, createdAt: at });
      } else insert(base);
      written++;
    }
  })();
  db.close();
  return { merchant: merchant!, count: written, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { db: { type: 'string' }, count: { type: 'string', default: '1000000' }, merchant: { type: 'string' } },
  });
  if (!values.db) {
    process.stderr.write('usage: node dist/bench/seed-transactions.js --db <file> [--count N] [--merchant <uuid>]\n');
    process.exit(2);
  }
  const result = await seedTransactions({
    db: values.db,
    count: Number(values.count),
    ...(values.merchant ? { merchant: values.merchant } : {}),
  });
  process.stdout.write(JSON.stringify({ ...result, db: values.db }) + '\n');
}
