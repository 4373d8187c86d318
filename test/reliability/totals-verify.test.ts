import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import { checkLedger } from '../../src/verify/ledger-check.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { freshPostgresDatabase } from '../helpers/postgres.js';
import { buildLedger, type Ledger } from './ledger-fixture.js';

/**
 * `esipay verify` holds each merchant's running totals (migration 10, kept by triggers) to the
 * recount of its rows: a totals row changed behind the triggers' back is reported under its own
 * rule, totals_mismatch, and the exit is 4; the rows themselves are fine, so nothing else is.
 */
async function check(db: string) {
  const store = await openStore(db);
  try {
    return await checkLedger(store);
  } finally {
    await store.close();
  }
}

async function verifyExits4WithTotalsMismatch(db: string, merchant: string): Promise<void> {
  const { home, cleanup } = tempHome();
  try {
    const r = await runCli(['verify', '--db', db], { home });
    assert.equal(r.code, 4, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('totals_mismatch: '));
    assert.equal(lines.length, 1, r.stdout);
    assert.match(lines[0]!, new RegExp(`merchant ${merchant}: running totals say paid \\d+ \\(recounted \\d+\\)`));
    assert.match(r.stderr, /error: the ledger breaks 1 invariant/);
  } finally {
    cleanup();
  }
}

describe('verify recounts the running totals: SQLite', () => {
  let ledger: Ledger;
  before(async () => (ledger = await buildLedger()));
  after(() => ledger.cleanup());

  it('passes on totals the triggers kept, then reports a totals row changed directly (exit 4)', async () => {
    assert.deepEqual((await check(ledger.db)).violations, []);
    const conn = new Database(ledger.db);
    try {
      conn.prepare('UPDATE merchant_totals SET paid = paid + 1 WHERE merchant_id = ?').run(ledger.merchantA);
    } finally {
      conn.close();
    }
    const report = await check(ledger.db);
    assert.deepEqual(
      report.violations.map((v) => `${v.rule} ${v.subject}`),
      [`totals_mismatch ${ledger.merchantA}`],
    );
    await verifyExits4WithTotalsMismatch(ledger.db, ledger.merchantA);
  });
});

describe('verify recounts the running totals: PostgreSQL', () => {
  it('passes on totals the triggers kept, then reports a slot row changed directly (exit 4)', async () => {
    const db = await freshPostgresDatabase('totals_verify');
    try {
      const ledger = await buildLedger();
      let merchant: string;
      try {
        // The same ledger, copied row by row into PostgreSQL through the store (triggers and all).
        merchant = ledger.merchantA;
        const from = await openStore(ledger.db);
        const to = await openStore(db.url);
        try {
          for (const m of await from.listMerchants({ limit: 10 })) {
            await to.insertMerchant(m);
            const rows = await from.listTransactions({ merchantId: m.id, limit: 100 });
            // Parents before their shipments (oldest first).
            for (const t of rows.reverse()) {
              // Refunds as refunds are written: the refunded sum grows with each (an UPDATE the trigger sees).
              await to.insertTransaction({ ...t, refunded: 0 });
              for (const r of await from.listRefunds(t.id)) assert.equal((await to.addRefund(r)).ok, true);
            }
          }
        } finally {
          await from.close();
          await to.close();
        }
      } finally {
        ledger.cleanup();
      }
      assert.deepEqual((await check(db.url)).violations, []);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const r = await client.query(
          'UPDATE merchant_totals SET paid = paid + 1 WHERE merchant_id = $1 AND slot = (SELECT MIN(slot) FROM merchant_totals WHERE merchant_id = $1)',
          [merchant],
        );
        assert.equal(r.rowCount, 1);
      } finally {
        await client.end();
      }
      const report = await check(db.url);
      assert.deepEqual(
        report.violations.map((v) => `${v.rule} ${v.subject}`),
        [`totals_mismatch ${merchant}`],
      );
      await verifyExits4WithTotalsMismatch(db.url, merchant);
    } finally {
      await db.drop();
    }
  });
});
