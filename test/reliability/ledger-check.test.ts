import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Acquirer } from '../../src/acquirer/acquirer.js';
import { SimulatedAcquirer } from '../../src/acquirer/simulator.js';
import { runDueDebits } from '../../src/engine/local/links/debits.js';
import { openLink, payLink } from '../../src/engine/local/links/pay.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { formatDecimal } from '../../src/money/amount.js';
import { openStore } from '../../src/store/open-store.js';
import { newId } from '../../src/util/ids.js';
import { checkLedger } from '../../src/verify/ledger-check.js';
import { LEDGER_RULES } from '../../src/verify/rules.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { buildLedger, type Ledger, paidLinkRecord, pendingRecord, scheduledDebitRecord } from './ledger-fixture.js';

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
      // A multi_pay link paid (its first instalment, 100.00, is the PAID payment) whose later
      // instalments were never scheduled: they would never be taken.
      const unscheduled = { ...paidLinkRecord(ledger.merchantA, ledger.paid, 30000), mode: 'multi_pay' as const };
      await store.insertLink(unscheduled);
      expected.add(`link_schedule_missing ${unscheduled.id}`);
      // A pay_later link of 50.00 whose one scheduled debit covers 20.00 only.
      const short = { ...paidLinkRecord(ledger.merchantA, ledger.initial, 5000), mode: 'pay_later' as const };
      await store.insertLink(short);
      await store.insertScheduledDebits([scheduledDebitRecord(short, 1, 2000)]);
      expected.add(`link_schedule_missing ${short.id}`);
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
      assert.match(r.stderr, /error: the ledger breaks 12 invariant/);

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
      assert.throws(
        () => conn.prepare('UPDATE transactions SET refunded = amount + 1 WHERE id = ?').run(ledger.partial),
        /CHECK constraint/,
      );
      assert.throws(
        () => conn.prepare('UPDATE transactions SET shipped = amount + 1 WHERE id = ?').run(ledger.initial),
        /CHECK constraint/,
      );
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

describe('paid links of every mode, as the engine writes them, break no rule', () => {
  it('pay_now (no schedule), multi_pay (first instalment paid, the rest scheduled), pay_later (one debit): after payment, as debits are taken, and when one fails for good', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esipay-ledger-links-'));
    let now = new Date('2027-03-01T09:00:00.000Z');
    const sim = new SimulatedAcquirer();
    let declineDebits = false;
    const acquirer: Acquirer = {
      authorise: (req) => sim.authorise(req),
      release: (reference: string) => sim.release(reference),
      debit: async (req) => (declineDebits ? { approved: false, reason: 'insufficient_funds' } : sim.debit(req)),
    };
    const engine = await LocalEngine.create(await openStore(join(dir, 'esipay.db')), {
      clock: () => now,
      acquirer,
      publicUrl: 'http://127.0.0.1:1',
    });
    try {
      const m = await engine.registerMerchant({ name: 'Boutique', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:1/r', currency: 'EUR' });
      const payNewLink = async (mode: 'pay_now' | 'multi_pay' | 'pay_later', amount: number, extra: Record<string, unknown> = {}) => {
        const view = await engine.createLink({
          merchant: m.uuid,
          amount: formatDecimal(amount, 'EUR'),
          paymentReference: `${mode}-${newId().slice(-8)}`,
          consumerReference: 'c-42',
          callbackUrl: 'http://127.0.0.1:1/cb',
          email: 'a@b.fr',
          phone: '0600000000',
          mode,
          extra,
        });
        const opened = await openLink(engine.ctx, new URL(view.link!).searchParams.get('SDESSID')!);
        assert.ok(opened);
        const paid = await payLink(engine.ctx, opened, { number: '4111111111111111', expiry: '12/40' });
        assert.ok(paid.ok, JSON.stringify(paid));
        return view.id;
      };
      const violations = async () => (await checkLedger(engine.store, { now })).violations;

      await payNewLink('pay_now', 2500);
      const multi = await payNewLink('multi_pay', 10000, { payment_scenario: '3x' });
      await payNewLink('pay_later', 4999, { payment_scenario: '10d' });
      assert.deepEqual(await violations(), [], 'just paid');
      now = new Date('2027-03-12T09:00:00.000Z');
      assert.deepEqual(await runDueDebits(engine.ctx), { paid: 1, retried: 0, failed: 0 });
      assert.deepEqual(await violations(), [], 'the pay_later debit taken');
      now = new Date('2027-04-02T09:00:00.000Z');
      assert.deepEqual(await runDueDebits(engine.ctx), { paid: 1, retried: 0, failed: 0 });
      assert.deepEqual(await violations(), [], 'the second instalment taken');
      declineDebits = true;
      for (const day of ['2027-05-02', '2027-05-03', '2027-05-04']) {
        now = new Date(`${day}T09:00:00.000Z`);
        await runDueDebits(engine.ctx);
      }
      const schedule = await engine.store.listScheduledDebits(multi);
      assert.deepEqual(
        schedule.map((d) => [d.seq, d.status]),
        [
          [2, 'paid'],
          [3, 'failed'],
        ],
      );
      assert.deepEqual(await violations(), [], 'the third instalment failed for good: it was scheduled, not missing');
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('`esipay verify` on a missing database', () => {
  it('exits 2 and creates nothing', async () => {
    const { home, cleanup } = tempHome();
    try {
      const db = join(home, 'nothing-here.db');
      const r = await runCli(['verify', '--db', db], { home });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /no database at/);
      assert.equal(existsSync(db), false);
    } finally {
      cleanup();
    }
  });
});
