import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SimulatedAcquirer } from '../../src/acquirer/simulator.js';
import type { MerchantWithSecret } from '../../src/domain/types.js';
import { runDueDebits } from '../../src/engine/local/links/debits.js';
import { openLink, payLink } from '../../src/engine/local/links/pay.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { formatDecimal } from '../../src/money/amount.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { checkLedger } from '../../src/verify/ledger-check.js';
import { rawPostgres, rawSqlite } from '../helpers/raw-databases.js';

/**
 * A crash while a multi_pay or pay_later link is being paid never loses its instalments.
 *
 * The service is made to die at each point of the payment's writes once the acquirer has approved
 * the card: before the settling store call, and inside it (after the link row was marked paid but
 * before the schedule was written, and after the schedule but before the callback), the last two
 * by a database trigger that aborts the transaction there, as a killed process would. Then the
 * service restarts on the same database (a new engine, the clock past the attempt's deadline) and
 * the consumer pays again: the link ends paid once, with every later debit scheduled on the card
 * token, one link.paid callback, the debits taken when due, and a sound ledger.
 */
const VISA = { number: '4111111111111111', expiry: '12/40' };
const MINUTE = 60_000;

type CrashPoint =
  'before the settling store call' | 'after the link is marked paid, before its schedule' | 'after the schedule, before the callback';
const CRASH_POINTS: CrashPoint[] = [
  'before the settling store call',
  'after the link is marked paid, before its schedule',
  'after the schedule, before the callback',
];

interface Database_ {
  location: string;
  /** Runs SQL on its own connection (another process's view of the database). */
  exec(sql: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** Trigger SQL that aborts the settling transaction at a point inside it, and removes itself. */
interface CrashTriggers {
  arm(point: Exclude<CrashPoint, 'before the settling store call'>): string;
  disarm(point: Exclude<CrashPoint, 'before the settling store call'>): string;
}

const SQLITE_TRIGGERS: CrashTriggers = {
  arm: (point) =>
    point === 'after the link is marked paid, before its schedule'
      ? `CREATE TRIGGER simulated_crash AFTER UPDATE OF status ON links WHEN NEW.status = 'paid' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`
      : `CREATE TRIGGER simulated_crash BEFORE INSERT ON outbox WHEN NEW.topic = 'link_callback' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`,
  disarm: () => 'DROP TRIGGER simulated_crash',
};

const POSTGRES_TRIGGERS: CrashTriggers = {
  arm: (point) =>
    `CREATE OR REPLACE FUNCTION simulated_crash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$;` +
    (point === 'after the link is marked paid, before its schedule'
      ? `CREATE TRIGGER simulated_crash AFTER UPDATE ON links FOR EACH ROW WHEN (NEW.status = 'paid') EXECUTE FUNCTION simulated_crash()`
      : `CREATE TRIGGER simulated_crash BEFORE INSERT ON outbox FOR EACH ROW WHEN (NEW.topic = 'link_callback') EXECUTE FUNCTION simulated_crash()`),
  disarm: (point) =>
    `DROP TRIGGER simulated_crash ON ${point === 'after the link is marked paid, before its schedule' ? 'links' : 'outbox'}`,
};

linkCrashSuite('SQLite', SQLITE_TRIGGERS, () => rawSqlite('esipay-link-crash-'));

linkCrashSuite('PostgreSQL', POSTGRES_TRIGGERS, () => rawPostgres('link_crash'));

/** A store whose settleLinkPayment dies before doing anything, as the process would. */
function dyingBeforeSettlement(store: Store): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'settleLinkPayment') return async () => Promise.reject(new Error('simulated crash'));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function linkCrashSuite(storeName: string, triggers: CrashTriggers, database: () => Promise<Database_>): void {
  describe(`a crash while a link is paid loses no instalment (${storeName})`, () => {
    let db: Database_;
    let now = new Date('2027-03-31T10:00:00.000Z');
    const clock = () => now;
    const acquirer = new SimulatedAcquirer();
    let m: MerchantWithSecret;
    let seq = 0;

    before(async () => {
      db = await database();
      const setup = await LocalEngine.create(await openStore(db.location), { clock, acquirer, publicUrl: 'http://127.0.0.1:1' });
      m = await setup.registerMerchant({ name: 'Boutique', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:1/r', currency: 'EUR' });
      await setup.close();
    });
    after(async () => {
      await db?.cleanup();
    });

    const cases: { mode: 'multi_pay' | 'pay_later'; amount: number; extra: Record<string, unknown>; later: [number, number][] }[] = [
      // 3x of 100.00 from 31 March: 33.34 now, then the last day of the shorter months.
      {
        mode: 'multi_pay',
        amount: 10000,
        extra: { payment_scenario: '3x' },
        later: [
          [2, 3333],
          [3, 3333],
        ],
      },
      { mode: 'pay_later', amount: 4999, extra: { payment_scenario: '10d' }, later: [[1, 4999]] },
    ];

    for (const point of CRASH_POINTS) {
      for (const c of cases) {
        it(`${c.mode}: the service dies ${point}; after a restart the link is paid once with its whole schedule`, async () => {
          // The first life of the service: a link is created, the consumer pays, the service dies.
          const first = await openStore(db.location);
          const dying = await LocalEngine.create(point === 'before the settling store call' ? dyingBeforeSettlement(first) : first, {
            clock,
            acquirer,
            publicUrl: 'http://127.0.0.1:1',
          });
          const view = await dying.createLink({
            merchant: m.uuid,
            amount: formatDecimal(c.amount, 'EUR'),
            paymentReference: `crash-${++seq}`,
            consumerReference: 'c-42',
            callbackUrl: 'http://127.0.0.1:1/cb',
            email: 'a@b.fr',
            phone: '0600000000',
            mode: c.mode,
            extra: c.extra,
          });
          const token = new URL(view.link!).searchParams.get('SDESSID')!;
          if (point !== 'before the settling store call') await db.exec(triggers.arm(point));
          try {
            const opened = await openLink(dying.ctx, token);
            assert.ok(opened);
            await assert.rejects(payLink(dying.ctx, opened, VISA), /simulated crash/);
          } finally {
            if (point !== 'before the settling store call') await db.exec(triggers.disarm(point));
            await dying.close();
          }

          // What the crash left: an approved attempt still PENDING, the link open, nothing half-written.
          now = new Date(now.getTime() + 3 * MINUTE);
          const engine = await LocalEngine.create(await openStore(db.location), { clock, acquirer, publicUrl: 'http://127.0.0.1:1' });
          try {
            const attemptsOf = async () =>
              (await engine.store.listTransactions({ merchantId: m.uuid, kinds: ['link'], limit: 1000 })).filter(
                (t) => t.cid === view.paymentReference,
              );
            const left = await attemptsOf();
            assert.deepEqual(
              left.map((t) => t.status),
              ['PENDING'],
            );
            assert.equal((await engine.getLink(view.id)).state, 'open', 'the link can still be paid');
            assert.deepEqual(await engine.store.listScheduledDebits(view.id), []);
            const callbacksOf = async () =>
              (await engine.store.listOutbox({ merchantId: m.uuid, topic: 'link_callback', limit: 1000 }))
                .map((o) => JSON.parse(o.body))
                .filter((b) => b.link === view.id);
            assert.deepEqual(await callbacksOf(), []);

            // After the restart the consumer pays again: the abandoned attempt is cancelled, the new one pays.
            const opened = await openLink(engine.ctx, token);
            assert.ok(opened);
            const paid = await payLink(engine.ctx, opened, VISA);
            assert.ok(paid.ok, JSON.stringify(paid));
            const attempts = await attemptsOf();
            assert.deepEqual(attempts.map((t) => [t.id === paid.transaction.id, t.status]).sort(), [
              [false, 'CANCELLED'],
              [true, c.mode === 'pay_later' ? 'AUTHORISED' : 'PAID'],
            ]);
            const shown = await engine.getLink(view.id);
            assert.equal(shown.state, 'paid');
            const schedule = await engine.store.listScheduledDebits(view.id);
            assert.deepEqual(
              schedule.map((d) => [d.seq, d.amount]),
              c.later,
              'every later debit is scheduled',
            );
            for (const d of schedule) {
              assert.equal(d.status, 'scheduled');
              assert.ok(d.cardToken, 'on the card token of the payment');
            }
            const callbacks = await callbacksOf();
            assert.deepEqual(
              callbacks.map((b) => [b.event, b.transaction.id]),
              [['link.paid', paid.transaction.id]],
              'one link.paid callback, for the paying attempt',
            );

            // The instalments are then taken when due, and the ledger holds.
            const last = schedule.at(-1)!;
            now = new Date(Date.parse(last.dueAt) + MINUTE);
            assert.deepEqual(await runDueDebits(engine.ctx), { paid: c.later.length, retried: 0, failed: 0 });
            const taken = (await attemptsOf()).filter((t) => t.status === 'PAID').reduce((s, t) => s + t.amount, 0);
            assert.equal(taken, c.amount, 'what is debited in all is the link amount, exactly');
            const ledger = await checkLedger(engine.store, { now });
            assert.deepEqual(ledger.violations, []);
          } finally {
            await engine.close();
          }
        });
      }
    }
  });
}
