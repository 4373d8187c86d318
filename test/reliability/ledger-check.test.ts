import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open-store.js';
import { newId } from '../../src/util/ids.js';
import { checkLedger } from '../../src/verify/ledger-check.js';
import { LEDGER_RULES } from '../../src/verify/rules.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { buildLedger, type Ledger, paidLinkRecord, pendingRecord } from './ledger-fixture.js';

async function check(db: string, now?: Date) {
  const store = await openStore(db);
  try {
    return await checkLedger(store, now ? { now } : {});
  } finally {
    await store.close();
  }
}

/** A second connection that writes what esipay never would: foreign keys off, as raw SQL can. */
function raw(db: string): Database.Database {
  const conn = new Database(db);
  conn.pragma('foreign_keys = OFF');
  return conn;
}

const rawRefund = (conn: Database.Database, txId: string, merchantId: string, amount: number): string => {
  const id = newId();
  conn
    .prepare('INSERT INTO refunds (id, transaction_id, merchant_id, amount, currency, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(id, txId, merchantId, amount, 'EUR', new Date().toISOString());
  return id;
};

describe('ledger check on a correct ledger', () => {
  let ledger: Ledger;
  before(async () => (ledger = await buildLedger()));
  after(() => ledger.cleanup());

  it('finds nothing wrong and counts what it read', async () => {
    const report = await check(ledger.db);
    assert.deepEqual(report.violations, []);
    assert.equal(report.ok, true);
    assert.equal(report.counts.merchants, 2);
    assert.equal(report.counts.transactions, 9);
    assert.equal(report.counts.refunds, 3);
    assert.equal(report.counts.shipments, 2);
    assert.deepEqual(report.counts.byStatus, { PAID: 6, DECLINED: 1, CANCELLED: 1, AUTHORISED: 1 });
    // 100 + 50 + 30 + 5 (card) + 40 + 60 (shipments); refunded 20 + 30.
    assert.deepEqual(report.totals, { EUR: { paid: 28500, refunded: 5000 } });
  });

  it('`esipay verify` exits 0 and says the ledger is ok', async () => {
    const { home, cleanup } = tempHome();
    try {
      const r = await runCli(['verify', '--db', ledger.db], { home });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /2 merchants, 9 transactions/);
      assert.match(r.stdout, /ledger ok/);
      const j = await runCli(['verify', '--db', ledger.db, '--json'], { home });
      assert.equal(j.code, 0);
      assert.equal(j.json().ok, true);
    } finally {
      cleanup();
    }
  });
});

describe('ledger check on a database corrupted on purpose', () => {
  let ledger: Ledger;
  const expected = new Set<string>();
  let pendingSoon: string;

  before(async () => {
    ledger = await buildLedger();
    const conn = raw(ledger.db);
    try {
      const tx = (sql: string, ...params: unknown[]) => conn.prepare(sql).run(...params);
      // A refunded sum that no refund record explains.
      tx('UPDATE transactions SET refunded = refunded + 500 WHERE id = ?', ledger.partial);
      expected.add(`refunded_mismatch ${ledger.partial}`);
      // A refund too many: the records now exceed the amount.
      rawRefund(conn, ledger.refundedFull, ledger.merchantA, 700);
      expected.add(`refunded_mismatch ${ledger.refundedFull}`);
      expected.add(`movements_exceed_amount ${ledger.refundedFull}`);
      // A shipped sum that the shipments do not explain.
      tx('UPDATE transactions SET shipped = shipped - 1000 WHERE id = ?', ledger.initial);
      expected.add(`shipped_mismatch ${ledger.initial}`);
      // PAID although the return URL answered 500.
      tx('UPDATE transactions SET callback_status = 500 WHERE id = ?', ledger.paid);
      expected.add(`callback_not_acknowledged ${ledger.paid}`);
      // Money back on a payment that never took any.
      tx('UPDATE transactions SET refunded = 100 WHERE id = ?', ledger.declined);
      rawRefund(conn, ledger.declined, ledger.merchantA, 100);
      expected.add(`movement_on_unpaid ${ledger.declined}`);
      // A shipment whose initial authorisation does not exist.
      const orphan = newId();
      const at = new Date().toISOString();
      tx(
        `INSERT INTO transactions (id, merchant_id, kind, cid, status, amount, currency, refunded, shipped, parent_id, created_at, updated_at)
         VALUES (?, ?, 'shipment', 'orphan', 'PAID', 1000, 'EUR', 0, 0, ?, ?, ?)`,
        orphan,
        ledger.merchantA,
        'f'.repeat(32),
        at,
        at,
      );
      expected.add(`orphan_movement ${orphan}`);
      // A refund of merchant B's payment recorded under merchant A.
      tx('UPDATE transactions SET refunded = 100 WHERE id = ?', ledger.paidB);
      const foreign = rawRefund(conn, ledger.paidB, ledger.merchantA, 100);
      expected.add(`orphan_movement ${foreign}`);
    } finally {
      conn.close();
    }
    const store = await openStore(ledger.db);
    try {
      // A payment a crash left PENDING, long past its deadline, and one still within it.
      const stale = pendingRecord(ledger.merchantA, 1000, '2000-01-01T00:00:00.000Z');
      await store.insertTransaction(stale);
      expected.add(`pending_past_deadline ${stale.id}`);
      const soon = pendingRecord(ledger.merchantA, 1000, new Date(Date.now() + 3_600_000).toISOString());
      await store.insertTransaction(soon);
      pendingSoon = soon.id;
      // A link marked paid by a declined payment.
      const link = paidLinkRecord(ledger.merchantA, ledger.declined, 1000);
      await store.insertLink(link);
      expected.add(`link_payment_missing ${link.id}`);
    } finally {
      await store.close();
    }
  });
  after(() => ledger.cleanup());

  it('reports each violation under its rule, and nothing else', async () => {
    const report = await check(ledger.db);
    assert.equal(report.ok, false);
    const found = report.violations.map((v) => `${v.rule} ${v.subject}`).sort();
    assert.deepEqual(found, [...expected].sort());
    for (const v of report.violations) assert.ok(!v.message.includes('\n'), 'one line per violation');
  });

  it('judges PENDING deadlines at the time it is given', async () => {
    const later = await check(ledger.db, new Date(Date.now() + 2 * 3_600_000));
    assert.ok(later.violations.some((v) => v.rule === 'pending_past_deadline' && v.subject === pendingSoon));
  });

  it('`esipay verify` prints one line per violation and exits 4 (ledger_inconsistent)', async () => {
    const { home, cleanup } = tempHome();
    try {
      const r = await runCli(['verify', '--db', ledger.db], { home });
      assert.equal(r.code, 4, r.stderr);
      const lines = r.stdout.split('\n').filter((l) => Object.keys(LEDGER_RULES).some((rule) => l.startsWith(`${rule}: `)));
      assert.equal(lines.length, expected.size, r.stdout);
      assert.match(r.stdout, /callback_not_acknowledged: card [0-9a-f]{32} \(cid paid\) is PAID but its return URL answered 500/);
      assert.match(r.stderr, /error: the ledger breaks 10 invariant/);

      const j = await runCli(['verify', '--db', ledger.db, '--json'], { home });
      assert.equal(j.code, 4);
      const doc = j.json();
      assert.equal(doc.ok, false);
      assert.equal(doc.violations.length, expected.size);
    } finally {
      cleanup();
    }
  });
});

describe('the database itself refuses what the check looks for', () => {
  let ledger: Ledger;
  before(async () => (ledger = await buildLedger()));
  after(() => ledger.cleanup());

  it('a refunded sum above the amount, a refund or shipment without a parent', () => {
    const conn = new Database(ledger.db);
    conn.pragma('foreign_keys = ON');
    try {
      assert.throws(() => conn.prepare('UPDATE transactions SET refunded = amount + 1 WHERE id = ?').run(ledger.partial), /CHECK constraint/);
      assert.throws(() => conn.prepare('UPDATE transactions SET shipped = amount + 1 WHERE id = ?').run(ledger.initial), /CHECK constraint/);
      assert.throws(() => rawRefund(conn, 'f'.repeat(32), ledger.merchantA, 100), /FOREIGN KEY/);
      assert.throws(
        () =>
          conn
            .prepare(
              `INSERT INTO transactions (id, merchant_id, kind, cid, status, amount, currency, parent_id, created_at, updated_at)
               VALUES (?, ?, 'shipment', 'x', 'PAID', 1, 'EUR', ?, '2030-01-01', '2030-01-01')`,
            )
            .run(newId(), ledger.merchantA, 'f'.repeat(32)),
        /FOREIGN KEY/,
      );
    } finally {
      conn.close();
    }
  });
});

describe('`esipay verify` on a missing database', () => {
  it('exits 5 and creates nothing', async () => {
    const { home, cleanup } = tempHome();
    try {
      const db = join(home, 'nothing-here.db');
      const r = await runCli(['verify', '--db', db], { home });
      assert.equal(r.code, 5);
      assert.match(r.stderr, /no database at/);
      assert.equal(existsSync(db), false);
    } finally {
      cleanup();
    }
  });
});
