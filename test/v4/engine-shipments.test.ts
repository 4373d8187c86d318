import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Acquirer, AuthorisationResult } from '../../src/acquirer/acquirer.js';
import { SimulatedAcquirer } from '../../src/acquirer/simulator.js';
import { EsipayError } from '../../src/domain/errors.js';
import { DECLINED_CARD, type EngineFixture, engineFixture, FAILING_CARD, VISA } from './fixtures.js';

/** Resolves to the EsipayError a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<EsipayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof EsipayError, `expected an EsipayError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

/** The simulator, with the shipment debits answered as the test says. */
class ScriptedAcquirer extends SimulatedAcquirer {
  constructor(private readonly onDebit: () => Promise<AuthorisationResult>) {
    super();
  }
  override async debit(): Promise<AuthorisationResult> {
    return this.onDebit();
  }
}

let fx: EngineFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const initial = (f: EngineFixture, extra: Record<string, unknown> = {}) =>
  f.engine.createInitial({
    merchant: f.merchant.uuid,
    amount: '74.12',
    currency: 'EUR',
    orderId: 'myOrder-1234-initial',
    email: 'sample@example.com',
    card: VISA,
    ...extra,
  });

describe('engine: payment at shipment', () => {
  it('runs the seed example: 74.12 EUR shipped as 35.00 + 25.00 + 14.12, then nothing more', async () => {
    fx = await engineFixture();
    const init = await initial(fx);
    assert.equal(init.kind, 'initial');
    assert.equal(init.status, 'AUTHORISED');
    assert.equal(init.amount, 7412);
    assert.equal(init.remaining, 7412);
    assert.equal(init.shipped, 0);
    assert.equal(init.expiresAt, '2030-07-09T10:00:00.000Z', '180 days after the order');
    assert.deepEqual(init.card, { first6: '411111', last4: '1111', brand: 'visa' });

    const shipments = [];
    for (const [day, decimal, amount] of [
      [3, '35.00', 3500],
      [7, '25.00', 2500],
      [10, '14.12', 1412],
    ] as const) {
      fx.clock.advanceDays(day);
      const s = await fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: decimal });
      assert.equal(s.kind, 'shipment');
      assert.equal(s.status, 'PAID');
      assert.equal(s.amount, amount);
      assert.equal(s.parent, init.id);
      assert.equal(s.withinGuarantee, true);
      shipments.push(s);
    }
    const after = await fx.engine.getTransaction(init.id, fx.merchant.uuid);
    assert.equal(after.shipped, 7412);
    assert.equal(after.remaining, 0);
    assert.deepEqual(
      after.shipments.map((s) => s.amount),
      [3500, 2500, 1412],
    );

    const fourth = await rejection(fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '0.01' }));
    assert.equal(fourth.code, 'PSP_229');
    assert.equal(fourth.kind, 'conflict');
    assert.match(fourth.message, /only 0\.00 EUR remains/);
    const totals = await fx.engine.merchantTotals(fx.merchant.uuid);
    assert.equal(totals.paid, '7412');
    assert.equal(totals.toShip, '0');
  });

  it('refuses bad initial requests with the seed codes and records nothing', async () => {
    fx = await engineFixture();
    const f = fx;
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: undefined }, 'INT_009'],
      [{ amount: '0' }, 'INT_009'],
      [{ amount: '74.123' }, 'INT_009'],
      [{ amount: '7,412' }, 'INT_009'],
      [{ currency: '' }, 'INT_010'],
      [{ currency: 'eur' }, 'INT_010'],
      [{ currency: 'EURO' }, 'INT_010'],
      [{ currency: 'XYZ' }, 'PSP_519'],
      [{ currency: 'USD' }, 'PSP_606'],
      [{ orderId: 'has space' }, 'invalid_order_id'],
      [{ email: 'not-an-email' }, 'invalid_email'],
      [{ card: { ...VISA, number: '4111111111111112' } }, 'invalid_card_number'],
      [{ card: { ...VISA, month: '13' } }, 'invalid_card_month'],
      [{ card: { ...VISA, year: '2029' } }, 'card_expired'],
    ];
    for (const [extra, code] of cases) {
      const e = await rejection(initial(f, extra));
      assert.equal(e.code, code, JSON.stringify(extra));
      assert.equal(e.kind, 'invalid');
    }
    const list = await f.engine.listTransactions({ merchant: f.merchant.uuid });
    assert.equal(list.items.length, 0);
  });

  it('records a declined initial transaction, against which nothing can be shipped', async () => {
    fx = await engineFixture();
    const e = await rejection(initial(fx, { card: DECLINED_CARD }));
    assert.equal(e.kind, 'refused');
    assert.equal(e.code, 'card_declined');
    const tx = e.transaction as { id: string; status: string; remaining: number };
    assert.equal(tx.status, 'DECLINED');
    assert.equal(tx.remaining, 0);
    const ship = await rejection(fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: tx.id, amount: '1.00' }));
    assert.equal(ship.code, 'PSP_229');
    assert.match(ship.message, /DECLINED/);
  });

  it('records a FAILED initial transaction when the acquirer fails', async () => {
    fx = await engineFixture();
    const e = await rejection(initial(fx, { card: FAILING_CARD }));
    assert.equal(e.kind, 'unavailable');
    assert.equal((e.transaction as { status: string }).status, 'FAILED');
  });

  it('ships for 180 days only, and says which shipments the 30-day guarantee covers', async () => {
    fx = await engineFixture();
    const init = await initial(fx);
    fx.clock.advanceDays(30);
    const within = await fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '1.00' });
    assert.equal(within.withinGuarantee, true, 'day 30 is still covered');
    fx.clock.advanceDays(1);
    const outside = await fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '1.00' });
    assert.equal(outside.withinGuarantee, false, 'day 31 is not');
    fx.clock.advanceDays(148); // day 179
    const late = await fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '1.00' });
    assert.equal(late.status, 'PAID');
    fx.clock.advanceDays(1); // day 180: expired
    const e = await rejection(fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '1.00' }));
    assert.equal(e.code, 'PSP_229');
    assert.match(e.message, /expired/);
    const view = await fx.engine.getTransaction(init.id);
    assert.equal(view.status, 'EXPIRED');
    assert.equal(view.remaining, 0);
    assert.equal(view.shipped, 300);
  });

  it("refuses a shipment against an unknown transaction, a non-initial one, or another merchant's", async () => {
    fx = await engineFixture();
    const init = await initial(fx);
    const ship = await fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '1.00' });
    const unknown = await rejection(
      fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: 'f183418d08df49f3900bbd74ef837816', amount: '1.00' }),
    );
    assert.equal(unknown.code, 'PSP_229');
    assert.equal(unknown.kind, 'not_found');
    const notInitial = await rejection(fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: ship.id, amount: '1.00' }));
    assert.equal(notInitial.code, 'PSP_229');
    assert.match(notInitial.message, /not an initial transaction/);
    const other = await fx.engine.registerMerchant({ name: 'Other', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:9/' });
    const foreign = await rejection(fx.engine.createShipment({ merchant: other.uuid, initial: init.id, amount: '1.00' }));
    assert.equal(foreign.code, 'PSP_229');
    assert.equal(foreign.kind, 'not_found');
    assert.equal((await fx.engine.getTransaction(init.id)).shipped, 100);
  });

  it('makes a shipment idempotent under its key, and refuses the key with other data (PSP_236)', async () => {
    fx = await engineFixture();
    const init = await initial(fx);
    const a = await fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '35.00', idempotencyKey: 'ship-1' });
    const b = await fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '35.00', idempotencyKey: 'ship-1' });
    assert.equal(b.id, a.id);
    assert.equal((await fx.engine.getTransaction(init.id)).shipped, 3500, 'debited once');
    const dup = await rejection(
      fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '25.00', idempotencyKey: 'ship-1' }),
    );
    assert.equal(dup.code, 'PSP_236');
    assert.equal((await fx.engine.getTransaction(init.id)).shipped, 3500);
  });

  it('gives the amount back when the shipment debit is declined or fails (PSP_227)', async () => {
    let answer: () => Promise<AuthorisationResult> = async () => ({ approved: false, reason: 'insufficient_funds' });
    fx = await engineFixture({ acquirer: new ScriptedAcquirer(() => answer()) });
    const init = await initial(fx);
    const declined = await rejection(fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '35.00' }));
    assert.equal(declined.kind, 'refused');
    assert.equal((declined.transaction as { status: string }).status, 'DECLINED');
    assert.equal((await fx.engine.getTransaction(init.id)).remaining, 7412);

    fx.clock.advanceMs(1000);
    answer = async () => {
      throw new EsipayError('unavailable', 'acquirer_error', 'down');
    };
    const failed = await rejection(fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '35.00' }));
    assert.equal(failed.code, 'PSP_227');
    const detail = await fx.engine.getTransaction(init.id);
    assert.equal(detail.remaining, 7412);
    assert.deepEqual(
      detail.shipments.map((s) => s.status),
      ['DECLINED', 'FAILED'],
    );
  });

  it('answers PSP_228 while a debit is in flight, and the shipment keeps its share meanwhile', async () => {
    let release: (r: AuthorisationResult) => void = () => undefined;
    let started: () => void = () => undefined;
    const inFlight = new Promise<void>((r) => (started = r));
    fx = await engineFixture({
      acquirer: new ScriptedAcquirer(
        () =>
          new Promise((resolve) => {
            release = resolve;
            started();
          }),
      ),
    });
    const init = await initial(fx);
    const first = fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '70.00', idempotencyKey: 'k' });
    await inFlight;
    const replay = await rejection(
      fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '70.00', idempotencyKey: 'k' }),
    );
    assert.equal(replay.code, 'PSP_228');
    const over = await rejection(fx.engine.createShipment({ merchant: fx.merchant.uuid, initial: init.id, amount: '5.00' }));
    assert.equal(over.code, 'PSP_229', 'the pending 70.00 already counts');
    release({ approved: true, authCode: 'A1B2C3', cardToken: 'simtok_x' });
    assert.equal((await first).status, 'PAID');
  });

  it('lets concurrent shipments that together exceed the total succeed exactly up to it', async () => {
    // The debit yields to the event loop so the shipments truly interleave.
    fx = await engineFixture({
      acquirer: new ScriptedAcquirer(
        () => new Promise((r) => setImmediate(() => r({ approved: true, authCode: 'X', cardToken: 'simtok_x' }))),
      ),
    });
    const init = await initial(fx);
    const f = fx;
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => f.engine.createShipment({ merchant: f.merchant.uuid, initial: init.id, amount: '10.00' })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(ok.length, 7, '7 × 10.00 fit in 74.12');
    for (const r of refused) assert.equal((r.reason as EsipayError).code, 'PSP_229');
    const detail = await fx.engine.getTransaction(init.id);
    assert.equal(detail.shipped, 7000);
    assert.equal(detail.remaining, 412);
    assert.equal(detail.shipments.filter((s) => s.status === 'PAID').length, 7);
  });

  it('makes an initial payment idempotent under its key', async () => {
    fx = await engineFixture();
    const a = await initial(fx, { idempotencyKey: 'order-7' });
    const b = await initial(fx, { idempotencyKey: 'order-7' });
    assert.equal(a.id, b.id);
    const e = await rejection(initial(fx, { idempotencyKey: 'order-7', amount: '1.00' }));
    assert.equal(e.code, 'idempotency_key_reused');
    assert.equal((await fx.engine.listTransactions({ merchant: fx.merchant.uuid })).items.length, 1);
  });
});

export type _Unused = Acquirer;
