import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SimulatedAcquirer } from '../../src/acquirer/simulator.js';
import type { MerchantWithSecret } from '../../src/domain/types.js';
import { runDueDebits } from '../../src/engine/local/links/debits.js';
import { openLink, payLink } from '../../src/engine/local/links/pay.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { checkLedger } from '../../src/verify/ledger-check.js';
import { rawPostgres, rawSqlite } from '../helpers/raw-databases.js';
import { startReceiver } from '../helpers/receiver.js';
import { initialRequest, startV4Service } from '../v4/service.js';

/**
 * A message a merchant must get (the V4 IPN, a scheduled debit's link.debit callback) is written
 * in the same database transaction as the state change it announces, so a crash leaves both or
 * neither, never the payment or the debit without its message.
 *
 * The crash is simulated at the gap the separate writes used to leave: a database trigger aborts
 * the transaction at the message's insert, after the payment or the debit was written in it, as a
 * process killed there would (a rolled-back transaction is what a kill before COMMIT leaves).
 * With the former code (the message queued in its own write after the state change) the
 * payment stayed AUTHORISED without an IPN, and the debit paid without its callback, for good.
 */
const VISA = { number: '4111111111111111', expiry: '12/40' };
const MINUTE = 60_000;

interface TestDb {
  location: string;
  /** Runs SQL on its own connection (another process's view of the database). */
  exec(sql: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** Trigger SQL that aborts any transaction inserting an outbox row that matches `when`. */
interface CrashTrigger {
  arm(when: { topic: string; bodyLike?: string }): string;
  disarm: string;
}

const sqlText = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const condition = (when: { topic: string; bodyLike?: string }): string =>
  `NEW.topic = ${sqlText(when.topic)}${when.bodyLike ? ` AND NEW.body LIKE ${sqlText(when.bodyLike)}` : ''}`;

const SQLITE_TRIGGER: CrashTrigger = {
  arm: (when) =>
    `CREATE TRIGGER simulated_crash BEFORE INSERT ON outbox WHEN ${condition(when)} BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`,
  disarm: 'DROP TRIGGER simulated_crash',
};

const POSTGRES_TRIGGER: CrashTrigger = {
  arm: (when) =>
    `CREATE OR REPLACE FUNCTION simulated_crash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$;` +
    `CREATE TRIGGER simulated_crash BEFORE INSERT ON outbox FOR EACH ROW WHEN (${condition(when)}) EXECUTE FUNCTION simulated_crash()`,
  disarm: 'DROP TRIGGER simulated_crash ON outbox',
};

atomicOutboxSuite('SQLite', SQLITE_TRIGGER, () => rawSqlite('esipay-outbox-atomic-'));

atomicOutboxSuite('PostgreSQL', POSTGRES_TRIGGER, () => rawPostgres('outbox_atomic'));

/** A store whose settleScheduledDebit commits, then the process dies before going on. */
function dyingAfterSettlement(store: Store): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'settleScheduledDebit') {
        return async (...args: Parameters<Store['settleScheduledDebit']>) => {
          await target.settleScheduledDebit(...args);
          throw new Error('simulated crash');
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function atomicOutboxSuite(storeName: string, trigger: CrashTrigger, database: () => Promise<TestDb>): void {
  describe(`an outbox message is written with the state change it announces (${storeName})`, () => {
    let db: TestDb;
    before(async () => (db = await database()));
    after(async () => db?.cleanup());

    const cards = [
      { name: 'an approved card', pan: '4111111111111111', orderStatus: 'PAID', stored: 'AUTHORISED' },
      { name: 'a declined card', pan: '4000000000000002', orderStatus: 'UNPAID', stored: 'DECLINED' },
    ];
    for (const card of cards) {
      it(`V4 CreatePayment with ${card.name}: a crash as the IPN is written leaves the payment PENDING without its outcome or IPN; the sweep cancels it, the same key answers it cancelled, a new key pays and notifies once`, async () => {
        const receiver = await startReceiver(200);
        const svc = await startV4Service({ db: db.location, notificationUrl: `${receiver.url}/ipn` });
        try {
          const merchant = svc.merchant;
          const orderId = `crash-ipn-${card.stored}`;
          const request = initialRequest({
            orderId,
            paymentForms: [{ paymentMethodType: 'CARD', pan: card.pan, expiryMonth: '12', expiryYear: '2035' }],
          });
          const send = (key: string) => svc.call('Charge/CreatePayment', request, { headers: { 'Idempotency-Key': key } });
          const crashKey = `key-${card.stored}`;
          const recorded = () => svc.service.store.listTransactions({ merchantId: merchant.uuid, cid: orderId, limit: 10 });
          const ipns = () => svc.service.store.listOutbox({ merchantId: merchant.uuid, topic: 'ipn', limit: 10 });

          await db.exec(trigger.arm({ topic: 'ipn' }));
          let crashed;
          try {
            crashed = await send(crashKey);
          } finally {
            await db.exec(trigger.disarm);
          }
          assert.equal(crashed.body.status, 'ERROR', 'the merchant got no payment');
          // Written before the acquirer was asked; its outcome and IPN were rolled back together.
          const [left, ...none] = await recorded();
          assert.equal(none.length, 0);
          assert.equal(left!.status, 'PENDING', 'no outcome without its IPN');
          assert.equal(left!.cardToken, null);
          assert.ok(left!.deadlineAt, 'it has a deadline');
          assert.deepEqual(await ipns(), []);
          const meanwhile = await send(crashKey);
          assert.equal(meanwhile.answer.detailedErrorCode, 'payment_in_progress', JSON.stringify(meanwhile.body));

          // Past its deadline the sweep cancels it (and releases what the acquirer held on it).
          svc.clock.advanceMs(Date.parse(left!.deadlineAt!) - svc.clock.read().getTime() + 1);
          assert.deepEqual((await svc.engine.maintenance.sweepAbandoned()).cancelled, [left!.id]);
          const retried = await send(crashKey);
          assert.equal(retried.body.status, 'SUCCESS', JSON.stringify(retried.body));
          assert.equal(retried.answer.orderStatus, 'UNPAID', 'the same key answers the cancelled payment');
          assert.equal(retried.answer.transactions[0].uuid, left!.id);
          assert.equal(retried.answer.transactions[0].detailedStatus, 'CANCELLED');
          assert.deepEqual(await ipns(), [], 'a replay notifies nothing');

          // A new key: the payment and its IPN are written together.
          const paid = await send(`${crashKey}-2`);
          assert.equal(paid.body.status, 'SUCCESS', JSON.stringify(paid.body));
          assert.equal(paid.answer.orderStatus, card.orderStatus);
          const tx = (await recorded()).find((t) => t.id !== left!.id);
          assert.equal(tx!.status, card.stored);
          assert.equal(paid.answer.transactions[0].uuid, tx!.id);
          assert.equal((await ipns()).length, 1);
          await receiver.waitFor(1);
          const ipn = receiver.received[0]!.fields;
          assert.equal(ipn['kr-hash'], createHmac('sha256', merchant.secret).update(ipn['kr-answer']!).digest('hex'), 'kr-hash verifies');
          assert.deepEqual(JSON.parse(ipn['kr-answer']!), paid.answer, 'the IPN carries what CreatePayment answered');

          // A replay of the same request answers the same payment and queues no second IPN.
          const again = await send(`${crashKey}-2`);
          assert.equal(again.answer.transactions[0].uuid, tx!.id);
          assert.equal((await ipns()).length, 1);
          assert.deepEqual((await checkLedger(svc.service.store, { now: svc.clock.read() })).violations, []);
        } finally {
          await svc.close();
          await receiver.close();
        }
      });
    }

    describe('a scheduled debit and its link.debit callback', () => {
      let now = new Date('2027-01-15T10:00:00.000Z');
      const clock = () => now;
      const acquirer = new SimulatedAcquirer();
      let m: MerchantWithSecret;
      let seq = 0;

      before(async () => {
        const setup = await LocalEngine.create(await openStore(db.location), { clock, acquirer, publicUrl: 'http://127.0.0.1:1' });
        m = await setup.registerMerchant({ name: 'Boutique', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:1/r', currency: 'EUR' });
        await setup.close();
      });

      /** A multi_pay 2x link of 100.00 paid now (50.00 taken), its second instalment due a month later. */
      async function paidLink(engine: LocalEngine): Promise<{ id: string; paymentReference: string }> {
        const view = await engine.createLink({
          merchant: m.uuid,
          amount: '100.00',
          paymentReference: `debit-crash-${++seq}`,
          consumerReference: 'c-42',
          callbackUrl: 'http://127.0.0.1:1/cb',
          email: 'a@b.fr',
          phone: '0600000000',
          mode: 'multi_pay',
          extra: { payment_scenario: '2x' },
        });
        const opened = await openLink(engine.ctx, new URL(view.link!).searchParams.get('SDESSID')!);
        assert.ok(opened);
        const paid = await payLink(engine.ctx, opened, VISA);
        assert.ok(paid.ok, JSON.stringify(paid));
        return view;
      }

      /** What the database holds about a link's second instalment. */
      async function stateOf(store: Store, link: { id: string; paymentReference: string }) {
        const [debit] = await store.listScheduledDebits(link.id);
        const paid = (await store.listTransactions({ merchantId: m.uuid, kinds: ['link'], limit: 1000 })).filter(
          (t) => t.cid === link.paymentReference && t.status === 'PAID',
        );
        const callbacks = (await store.listOutbox({ merchantId: m.uuid, topic: 'link_callback', limit: 1000 }))
          .map((o) => JSON.parse(o.body))
          .filter((b) => b.link === link.id && b.event === 'link.debit');
        return { debit: debit!, paidTotal: paid.reduce((s, t) => s + t.amount, 0), callbacks };
      }

      const points = [
        { point: 'as the callback is written (inside the settling transaction)', left: 'neither' },
        { point: 'just after the settling transaction committed', left: 'both' },
      ] as const;
      for (const { point, left } of points) {
        it(`the worker dies ${point}: ${left === 'neither' ? 'the debit stays scheduled and no callback is queued' : 'the debit is paid and its callback queued'}; after a restart it is settled and told once, debited once`, async () => {
          now = new Date('2027-01-15T10:00:00.000Z');
          const setup = await LocalEngine.create(await openStore(db.location), { clock, acquirer, publicUrl: 'http://127.0.0.1:1' });
          const link = await paidLink(setup).finally(() => setup.close());

          // A month later the worker takes the second instalment, and dies.
          now = new Date('2027-02-15T10:01:00.000Z');
          const first = await openStore(db.location);
          const dying = await LocalEngine.create(left === 'both' ? dyingAfterSettlement(first) : first, {
            clock,
            acquirer,
            publicUrl: 'http://127.0.0.1:1',
          });
          if (left === 'neither') await db.exec(trigger.arm({ topic: 'link_callback', bodyLike: '%"event":"link.debit"%' }));
          try {
            await assert.rejects(runDueDebits(dying.ctx), /simulated crash/);
          } finally {
            if (left === 'neither') await db.exec(trigger.disarm);
            await dying.close();
          }

          // The service restarts once the worker's hold on the debit (5 minutes) ran out.
          now = new Date(now.getTime() + 6 * MINUTE);
          const engine = await LocalEngine.create(await openStore(db.location), { clock, acquirer, publicUrl: 'http://127.0.0.1:1' });
          try {
            const crashed = await stateOf(engine.store, link);
            assert.equal(crashed.paidTotal, 10000, 'the acquirer took the instalment before the crash');
            if (left === 'neither') {
              assert.equal(crashed.debit.status, 'scheduled', 'not settled without its callback');
              assert.deepEqual(crashed.callbacks, []);
              assert.deepEqual(await runDueDebits(engine.ctx), { paid: 1, retried: 0, failed: 0 });
            } else {
              assert.equal(crashed.debit.status, 'paid');
              assert.equal(crashed.callbacks.length, 1, 'settled with its callback');
              assert.deepEqual(await runDueDebits(engine.ctx), { paid: 0, retried: 0, failed: 0 }, 'nothing left to do');
            }

            const settled = await stateOf(engine.store, link);
            assert.equal(settled.debit.status, 'paid');
            assert.equal(settled.paidTotal, 10000, 'the instalment was debited once: 50.00 at payment + 50.00');
            assert.equal(settled.callbacks.length, 1, 'one link.debit callback');
            const [callback] = settled.callbacks;
            assert.equal(callback.debit.status, 'paid');
            assert.equal(callback.transaction.id, settled.debit.transactionId);
            assert.deepEqual(
              callback.schedule.map((d: { seq: number; status: string }) => [d.seq, d.status]),
              [
                [1, 'paid'],
                [2, 'paid'],
              ],
            );

            assert.deepEqual(await runDueDebits(engine.ctx), { paid: 0, retried: 0, failed: 0 });
            assert.equal((await stateOf(engine.store, link)).callbacks.length, 1);
            assert.deepEqual((await checkLedger(engine.store, { now })).violations, []);
          } finally {
            await engine.close();
          }
        });
      }
    });
  });
}
