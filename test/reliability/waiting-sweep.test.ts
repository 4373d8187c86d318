import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthorisationRequest, AuthorisationResult } from '../../src/acquirer/acquirer.js';
import { SimulatedAcquirer } from '../../src/acquirer/simulator.js';
import { EsipayError } from '../../src/domain/errors.js';
import type { MerchantRecord } from '../../src/domain/types.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { PaymentIpn } from '../../src/server/v4/ipn.js';
import { openStore } from '../../src/store/open-store.js';
import { checkLedger } from '../../src/verify/ledger-check.js';
import { type RawDatabase, rawPostgres, rawSqlite } from '../helpers/raw-databases.js';
import { TestClock, VISA } from '../v4/fixtures.js';

/**
 * What resolves a write that waits on the acquirer when the process that waits is gone, and
 * what keeps that from touching a write another instance is still settling, on SQLite and on
 * PostgreSQL. The acquirer approves, and the test holds its answer back: the process waiting for
 * it is as good as dead (the instant after the acquirer's approval, before esipay's write).
 *
 * - Within its deadline another instance's sweep leaves the record alone; `verify` finds nothing.
 * - Past it, `verify` names it; one sweep (of several instances) cancels it, gives a shipment's
 *   amount back to its initial, and releases the acquirer's hold by the reference esipay sent.
 * - The answer arriving after that (a stalled process) never resurrects it: the compare-and-set
 *   on PENDING fails, the hold is released again, no IPN is queued, and the ledger holds.
 * - An acquirer slower than ESIPAY_ACQUIRER_TIMEOUT_MS fails the call, and what it may have held
 *   is released.
 */

/** The simulator, recording what it approved and released; `holdNext` keeps its next answer back. */
class HeldAcquirer extends SimulatedAcquirer {
  approved: string[] = [];
  released: string[] = [];
  private held: { reached: () => void; gate: Promise<void> } | undefined;

  /** The next call is approved at the acquirer, and its answer waits until `answer()`. */
  holdNext(): { reached: Promise<void>; answer: () => void } {
    let reached!: () => void;
    let answer!: () => void;
    const hit = new Promise<void>((resolve) => (reached = resolve));
    this.held = { reached, gate: new Promise<void>((resolve) => (answer = resolve)) };
    return { reached: hit, answer };
  }

  private async answer(reference: string, result: AuthorisationResult): Promise<AuthorisationResult> {
    if (result.approved) this.approved.push(reference);
    const held = this.held;
    this.held = undefined;
    if (held) {
      held.reached();
      await held.gate;
    }
    return result;
  }

  override async authorise(req: AuthorisationRequest) {
    return this.answer(req.reference, await super.authorise(req));
  }
  override async debit(req: { cardToken: string; amount: number; currency: string; reference: string }) {
    return this.answer(req.reference, await super.debit(req));
  }
  override async release(reference: string) {
    this.released.push(reference);
  }
}

const MINUTE = 60_000;

sweepSuite('SQLite', () => rawSqlite('esipay-waiting-sweep-'));
sweepSuite('PostgreSQL', () => rawPostgres('waiting_sweep'));

function sweepSuite(name: string, database: () => Promise<RawDatabase>): void {
  describe(`writes left waiting on the acquirer are swept past their deadline, and only then (${name})`, () => {
    let db: RawDatabase;
    const clock = new TestClock();
    const acquirer = new HeldAcquirer();
    /** The instance whose acquirer answer is held, and another one on the same database. */
    let engine: LocalEngine;
    let other: LocalEngine;
    let merchant: MerchantRecord;

    before(async () => {
      db = await database();
      const options = { clock: clock.read, acquirer, acquirerTimeoutMs: MINUTE };
      engine = await LocalEngine.create(await openStore(db.location), options);
      other = await LocalEngine.create(await openStore(db.location), options);
      const m = await engine.registerMerchant({ name: 'Boutique', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:9/return' });
      merchant = (await engine.store.getMerchant(m.uuid))!;
    });
    after(async () => {
      await engine?.close();
      await other?.close();
      await db?.cleanup();
    });

    const authorise = (key: string, ipn?: PaymentIpn) =>
      engine.v4.authorise(merchant, {
        amount: 5000,
        currency: 'EUR',
        orderId: `order-${key}`,
        card: VISA,
        idempotencyKey: key,
        ...(ipn ? { notification: ipn.notification } : {}),
      });
    const violations = async () => (await checkLedger(engine.store, { now: clock.read() })).violations;
    const ipns = () => engine.store.listOutbox({ merchantId: merchant.id, topic: 'ipn', limit: 100 });

    it('an initial verification: swept past its deadline, released, and a late approval does not bring it back', async () => {
      const held = acquirer.holdNext();
      const ipn = new PaymentIpn(merchant, clock.read);
      const waiting = authorise('held-initial', ipn);
      await held.reached;
      const pending = (await engine.store.findTransactionByIdemKey(merchant.id, 'initial:held-initial'))!;
      assert.equal(pending.status, 'PENDING', 'recorded before the acquirer was asked');
      assert.deepEqual(acquirer.approved.slice(-1), [pending.id], 'approved under its id');
      const onOther = () =>
        other.v4.authorise(merchant, {
          amount: 5000,
          currency: 'EUR',
          orderId: 'order-held-initial',
          card: VISA,
          idempotencyKey: 'held-initial',
        });
      await assert.rejects(onOther(), (e: EsipayError) => e.code === 'payment_in_progress', 'another instance: in progress');

      assert.deepEqual((await other.maintenance.sweepAbandoned()).cancelled, [], 'another instance leaves it within its deadline');
      assert.deepEqual(await violations(), []);

      clock.advanceMs(Date.parse(pending.deadlineAt!) - clock.read().getTime() + 1);
      const [stale] = await violations();
      assert.equal(stale?.rule, 'pending_past_deadline');
      assert.equal(stale?.subject, pending.id);
      assert.match(stale!.message, /verified the card/);

      const sweeps = await Promise.all([other.maintenance.sweepAbandoned(), engine.maintenance.sweepAbandoned()]);
      assert.deepEqual(
        sweeps.flatMap((s) => s.cancelled),
        [pending.id],
        'cancelled once',
      );
      assert.equal((await engine.store.getTransaction(pending.id))!.status, 'CANCELLED');
      assert.ok(acquirer.released.includes(pending.id), 'its verification released');

      held.answer();
      await assert.rejects(waiting, (e: EsipayError) => e.code === 'acquirer_error' && /cancelled/.test(e.message));
      const final = (await engine.store.getTransaction(pending.id))!;
      assert.equal(final.status, 'CANCELLED', 'the late answer does not resurrect it');
      assert.equal(final.cardToken, null);
      assert.equal(acquirer.released.filter((r) => r === pending.id).length, 2, 'released again after the late approval');
      assert.deepEqual(await ipns(), [], 'no IPN for what was never settled');
      const replay = await authorise('held-initial');
      assert.equal(replay.transaction.status, 'CANCELLED');
      assert.deepEqual(await violations(), []);
    });

    it('a shipment: its amount counts while it waits, goes back to the initial with the sweep, and ships again', async () => {
      const { transaction: initial } = await authorise('ship-initial');
      assert.equal(initial.status, 'AUTHORISED');
      const held = acquirer.holdNext();
      const waiting = engine.v4.ship(merchant, { initial: initial.id, amount: 5000, idempotencyKey: 'held-shipment' });
      await held.reached;
      const [pending] = await engine.store.listShipments(initial.id);
      assert.equal(pending!.status, 'PENDING');
      assert.ok(pending!.deadlineAt, 'a shipment waiting on its debit has a deadline');
      assert.equal((await engine.store.getTransaction(initial.id))!.shipped, 5000);
      await assert.rejects(
        other.v4.ship(merchant, { initial: initial.id, amount: 1 }),
        (e: EsipayError) => e.code === 'PSP_229',
        'nothing ships twice while it waits',
      );
      assert.deepEqual((await other.maintenance.sweepAbandoned()).cancelled, []);
      assert.deepEqual(await violations(), []);

      clock.advanceMs(Date.parse(pending!.deadlineAt!) - clock.read().getTime() + 1);
      assert.deepEqual(
        (await violations()).map((v) => [v.rule, v.subject]),
        [['pending_past_deadline', pending!.id]],
      );
      assert.deepEqual((await other.maintenance.sweepAbandoned()).cancelled, [pending!.id]);
      assert.equal((await engine.store.getTransaction(pending!.id))!.status, 'CANCELLED');
      assert.equal((await engine.store.getTransaction(initial.id))!.shipped, 0, 'given back in the same transaction');
      assert.ok(acquirer.released.includes(pending!.id), 'its debit released');

      held.answer();
      await assert.rejects(waiting, (e: EsipayError) => e.code === 'PSP_227' && /cancelled/.test(e.message));
      assert.equal((await engine.store.getTransaction(pending!.id))!.status, 'CANCELLED', 'not resurrected');
      assert.equal((await engine.store.getTransaction(initial.id))!.shipped, 0);
      assert.equal(acquirer.released.filter((r) => r === pending!.id).length, 2);
      await assert.rejects(
        engine.v4.ship(merchant, { initial: initial.id, amount: 5000, idempotencyKey: 'held-shipment' }),
        (e: EsipayError) => e.code === 'PSP_227',
        'the same key answers it cancelled',
      );

      const again = await engine.v4.ship(merchant, { initial: initial.id, amount: 5000, idempotencyKey: 'ship-again' });
      assert.equal(again.shipment.status, 'PAID');
      assert.equal((await engine.store.getTransaction(initial.id))!.shipped, 5000);
      assert.deepEqual(await violations(), []);
    });

    it('an acquirer slower than its timeout: the shipment fails, its amount goes back, and its debit is released', async () => {
      const hurried = await LocalEngine.create(await openStore(db.location), { clock: clock.read, acquirer, acquirerTimeoutMs: 20 });
      try {
        const { transaction: initial } = await authorise('slow-initial');
        const held = acquirer.holdNext();
        await assert.rejects(hurried.v4.ship(merchant, { initial: initial.id, amount: 2000 }), (e: EsipayError) => e.code === 'PSP_227');
        const [shipment] = await engine.store.listShipments(initial.id);
        assert.equal(shipment!.status, 'FAILED');
        assert.equal((await engine.store.getTransaction(initial.id))!.shipped, 0);
        assert.ok(acquirer.released.includes(shipment!.id), 'released when esipay gave up on it');
        held.answer();
        await held.reached;
        assert.deepEqual(await violations(), []);
      } finally {
        await hurried.close();
      }
    });
  });
}
