import assert from 'node:assert/strict';
import { checkLedger } from '../../src/verify/ledger-check.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Acquirer } from '../../src/acquirer/acquirer.js';
import { SimulatedAcquirer } from '../../src/acquirer/simulator.js';
import type { MerchantWithSecret } from '../../src/domain/types.js';
import { addMonths, splitAmount } from '../../src/engine/local/links/schedule.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { formatDecimal } from '../../src/money/amount.js';
import { openStore } from '../../src/store/open-store.js';
import { DAY_MS } from '../../src/util/clock.js';
import { freshPostgresDatabase } from '../helpers/postgres.js';

/**
 * Link modes end to end in-process (SQLite and PostgreSQL), on a clock the test moves: what the page promises is what is
 * debited, when it is due, by the scheduled-debit worker's run.
 */
const VISA = { number: '4111111111111111', expiry: '12/40' };

linkScheduleSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-link-schedule-'));
  return { location: join(dir, 'esipay.db'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});
linkScheduleSuite('PostgreSQL', async () => {
  const db = await freshPostgresDatabase('links');
  return { location: db.url, cleanup: () => db.drop() };
});

function linkScheduleSuite(storeName: string, database: () => Promise<{ location: string; cleanup: () => Promise<void> }>): void {
  describe(`payment link schedules (${storeName})`, () => {
    let db: { location: string; cleanup: () => Promise<void> };
    let engine: LocalEngine;
    let now = new Date('2027-01-31T09:00:00.000Z');
    const debitCalls: { amount: number; reference: string }[] = [];
    let declineDebits = false;
    let authoriseCalls = 0;
    let m: MerchantWithSecret;

    before(async () => {
      db = await database();
      const sim = new SimulatedAcquirer();
      const acquirer: Acquirer = {
        authorise: (req) => {
          authoriseCalls++;
          return sim.authorise(req);
        },
        release: (reference: string) => sim.release(reference),
        debit: async (req) => {
          debitCalls.push({ amount: req.amount, reference: req.reference });
          return declineDebits ? { approved: false, reason: 'insufficient_funds' } : sim.debit(req);
        },
      };
      engine = await LocalEngine.create(await openStore(db.location), { clock: () => now, acquirer, publicUrl: 'http://127.0.0.1:1' });
      m = await engine.registerMerchant({ name: 'Boutique', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:1/r', currency: 'EUR' });
    });
    after(async () => {
      await engine?.close();
      await db?.cleanup();
    });

    let seq = 0;
    async function link(mode: 'pay_now' | 'multi_pay' | 'pay_later', amount: number, extra: Record<string, unknown> = {}) {
      const view = await engine.createLink({
        merchant: m.uuid,
        amount: formatDecimal(amount, 'EUR'),
        paymentReference: `inv-${++seq}`,
        consumerReference: 'c-42',
        callbackUrl: 'http://127.0.0.1:1/cb',
        email: 'a@b.fr',
        phone: '0600000000',
        mode,
        extra,
      });
      const token = new URL(view.link!).searchParams.get('SDESSID')!;
      return { view, token };
    }

    async function pay(token: string, card = VISA) {
      const opened = await engine.links.openLink(token);
      assert.ok(opened);
      return engine.links.payLink(opened, card);
    }

    const callbacks = async () =>
      (await engine.store.listOutbox({ merchantId: m.uuid, topic: 'link_callback', limit: 100 })).map((o) => JSON.parse(o.body));

    it('splits amounts in minor units, the remainder on the first part, and adds calendar months', () => {
      assert.deepEqual(splitAmount(10000, 3), [3334, 3333, 3333]);
      assert.deepEqual(splitAmount(3, 3), [1, 1, 1]);
      assert.deepEqual(splitAmount(1_000_001, 4), [250_001, 250_000, 250_000, 250_000]);
      assert.throws(() => splitAmount(2, 3));
      assert.equal(addMonths(new Date('2027-01-31T09:00:00Z'), 1).toISOString(), '2027-02-28T09:00:00.000Z');
      assert.equal(addMonths(new Date('2028-01-31T09:00:00Z'), 1).toISOString(), '2028-02-29T09:00:00.000Z');
      assert.equal(addMonths(new Date('2027-11-15T09:00:00Z'), 2).toISOString(), '2028-01-15T09:00:00.000Z');
    });

    it('multi_pay: the first instalment at payment, the others debited by the worker when due', async () => {
      const { view, token } = await link('multi_pay', 10000);
      const paid = await pay(token);
      assert.ok(paid.ok, JSON.stringify(paid));
      assert.equal(paid.transaction.amount, 3334);
      assert.equal(paid.transaction.status, 'PAID');
      assert.deepEqual(
        paid.debits.map((d) => [d.amount, d.dueAt.slice(0, 10)]),
        [
          [3334, '2027-01-31'],
          [3333, '2027-02-28'],
          [3333, '2027-03-31'],
        ],
      );

      debitCalls.length = 0;
      assert.deepEqual(await engine.links.runDueDebits(), { paid: 0, retried: 0, failed: 0 }, 'nothing is due yet');
      now = new Date('2027-02-28T09:00:00.000Z');
      assert.deepEqual(await engine.links.runDueDebits(), { paid: 1, retried: 0, failed: 0 });
      assert.deepEqual(await engine.links.runDueDebits(), { paid: 0, retried: 0, failed: 0 }, 'a debit is taken once');
      now = new Date('2027-04-01T00:00:00.000Z');
      assert.deepEqual(await engine.links.runDueDebits(), { paid: 1, retried: 0, failed: 0 });
      assert.deepEqual(
        debitCalls.map((c) => c.amount),
        [3333, 3333],
      );

      const shown = await engine.getLink(view.id, m.uuid);
      assert.equal(shown.state, 'paid');
      assert.deepEqual(
        shown.schedule?.map((d) => [d.seq, d.amount, d.status]),
        [
          [1, 3334, 'paid'],
          [2, 3333, 'paid'],
          [3, 3333, 'paid'],
        ],
      );
      const txs = (await engine.listTransactions({ merchant: m.uuid, kinds: ['link'], limit: 100 })).items.filter(
        (t) => t.cid === view.paymentReference && t.status === 'PAID',
      );
      assert.equal(
        txs.reduce((s, t) => s + t.amount, 0),
        10000,
        'what is debited is the link amount, exactly',
      );
      const events = (await callbacks()).filter((c) => c.link === view.id).map((c) => [c.event, c.debit?.seq ?? null]);
      assert.deepEqual(events, [
        ['link.paid', null],
        ['link.debit', 2],
        ['link.debit', 3],
      ]);
    });

    it('pay_later: the card is verified at payment and the whole amount debited on the date', async () => {
      now = new Date('2027-05-10T12:00:00.000Z');
      const { view, token } = await link('pay_later', 4999, { payment_scenario: '15d' });
      const paid = await pay(token);
      assert.ok(paid.ok, JSON.stringify(paid));
      assert.equal(paid.transaction.status, 'AUTHORISED', 'verified, not debited');
      assert.deepEqual(
        paid.debits.map((d) => [d.amount, d.dueAt]),
        [[4999, '2027-05-25T12:00:00.000Z']],
      );
      debitCalls.length = 0;
      now = new Date('2027-05-25T11:59:59.000Z');
      assert.deepEqual(await engine.links.runDueDebits(), { paid: 0, retried: 0, failed: 0 });
      now = new Date('2027-05-25T12:00:00.000Z');
      assert.deepEqual(await engine.links.runDueDebits(), { paid: 1, retried: 0, failed: 0 });
      assert.deepEqual(
        debitCalls.map((c) => c.amount),
        [4999],
      );
      const shown = await engine.getLink(view.id);
      assert.deepEqual(
        shown.schedule?.map((d) => [d.amount, d.status]),
        [[4999, 'paid']],
      );
      const ledger = await checkLedger(engine.store, { now });
      assert.deepEqual(ledger.violations, [], 'a paid pay_later link (its payment AUTHORISED, its debit PAID) is a sound ledger');
    });

    it('a refused scheduled debit is retried daily, then fails for good and the merchant is told', async () => {
      now = new Date('2027-06-01T08:00:00.000Z');
      const { view, token } = await link('pay_later', 1500, { payment_scenario: '1d' });
      assert.ok((await pay(token)).ok);
      declineDebits = true;
      try {
        now = new Date(now.getTime() + DAY_MS);
        assert.deepEqual(await engine.links.runDueDebits(), { paid: 0, retried: 1, failed: 0 });
        now = new Date(now.getTime() + DAY_MS);
        assert.deepEqual(await engine.links.runDueDebits(), { paid: 0, retried: 1, failed: 0 });
        now = new Date(now.getTime() + DAY_MS);
        assert.deepEqual(await engine.links.runDueDebits(), { paid: 0, retried: 0, failed: 1 });
      } finally {
        declineDebits = false;
      }
      const shown = await engine.getLink(view.id);
      assert.deepEqual(
        shown.schedule?.map((d) => d.status),
        ['failed'],
      );
      const last = (await callbacks()).filter((c) => c.link === view.id).at(-1);
      assert.equal(last.event, 'link.debit');
      assert.equal(last.debit.status, 'failed');
      assert.match(last.debit.error, /insufficient_funds/);
    });

    it('a link expires after link_duration minutes', async () => {
      now = new Date('2027-07-01T08:00:00.000Z');
      const { view, token } = await link('pay_now', 100, { link_duration: 30 });
      now = new Date('2027-07-01T08:29:59.000Z');
      assert.equal((await engine.getLink(view.id)).state, 'open');
      now = new Date('2027-07-01T08:30:00.000Z');
      assert.equal((await engine.getLink(view.id)).state, 'expired');
      const result = await pay(token);
      assert.deepEqual(result.ok ? 'paid' : result.code, 'LINK_002');
    });

    it('submissions at once charge the card once', async () => {
      now = new Date('2027-08-01T08:00:00.000Z');
      for (let round = 0; round < 5; round++) {
        const { view, token } = await link('pay_now', 2500);
        authoriseCalls = 0;
        const results = await Promise.all(Array.from({ length: 6 }, () => pay(token)));
        const ok = results.filter((r) => r.ok);
        assert.equal(ok.length, 1, JSON.stringify(results));
        for (const r of results.filter((x) => !x.ok)) assert.ok(['LINK_003', 'LINK_005'].includes(r.ok ? '' : r.code));
        const charged = (await engine.listTransactions({ merchant: m.uuid, limit: 100 })).items.filter(
          (t) => t.cid === view.paymentReference && t.status === 'PAID',
        );
        assert.equal(charged.length, 1);
        assert.equal(authoriseCalls, 1, 'the acquirer was asked once');
        const shown = await engine.getLink(view.id);
        assert.equal(shown.state, 'paid');
        assert.equal(shown.transaction, charged[0]!.id);
      }
    });

    it('stops taking cards after 10 refused attempts', async () => {
      now = new Date('2027-09-01T08:00:00.000Z');
      const { token } = await link('pay_now', 700);
      for (let i = 0; i < 10; i++) {
        const r = await pay(token, { number: '4000000000000002', expiry: '12/40' });
        assert.equal(r.ok ? 'paid' : r.code, 'CARD_004');
      }
      const r = await pay(token);
      assert.equal(r.ok ? 'paid' : r.code, 'LINK_004');
    });
  });
}
