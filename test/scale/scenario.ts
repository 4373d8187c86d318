import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { parseDecimal } from '../../src/money/amount.js';
import { openStore } from '../../src/store/open-store.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';

/**
 * The money-under-concurrency scenario, run on N `esipay serve` processes over one database:
 * a merchant, a few payments and initial authorisations, then hundreds of concurrent partial
 * refunds (v2 GET /cardpay/{uuid}/{tx}/{amount}) and shipments (V4
 * Charge/CreateShipmentTransaction, some retried with their idempotency key) spread round-robin
 * over the instances, their sums well beyond the amounts. Afterwards, for every transaction:
 * nothing beyond the amount, the recorded sum equals the sum of the successful answers, every
 * success has its record and no record lacks its success, and every refusal was a refusal for
 * "too much" that still would not fit. Then `esipay verify` checks the whole ledger.
 */
export interface ScaleSetup {
  /** SQLite path or postgres:// URL. */
  db: string;
  instances: number;
}

const VISA = '4111111111111111';
const YEAR = String(new Date().getUTCFullYear() + 2);
const PAYMENTS = 3;
const PAYMENT_AMOUNT = '100.00';
const REFUNDS_PER_PAYMENT = 80;
const REFUND_AMOUNTS = ['3.17', '1.05', '7.50', '2.00', '0.99']; // 80 of them ≈ 236.40, far over 100.00
const INITIALS = 2;
const INITIAL_AMOUNT = 20_000; // minor units: 200.00
const SHIPMENTS_PER_INITIAL = 60;
const SHIPMENT_AMOUNTS = [500, 730, 250, 1_000]; // 60 of them = 37 200, far over 20 000
/** Every this-many shipments, one is sent again with the same idempotency key to another instance. */
const RETRY_EVERY = 6;

interface Answer {
  status: number;
  body: any;
}

export async function runScaleScenario(t: TestContext, setup: ScaleSetup): Promise<void> {
  const token = `scale-${randomBytes(16).toString('hex')}`;
  const env = { ESIPAY_CARD_KEY: randomBytes(32).toString('hex') }; // shared by every instance
  const receiver = await startReceiver(200);
  const home = tempHome();
  const serves: ServeProcess[] = [];
  try {
    // Started together: they migrate the same new database at the same moment.
    serves.push(
      ...(await Promise.all(
        Array.from({ length: setup.instances }, () =>
          startServe({ db: setup.db, adminToken: token, env, args: ['--quiet', '--callback-timeout', '10000'] }),
        ),
      )),
    );
    const at = (i: number): ServeProcess => serves[i % serves.length]!;
    const call = async (i: number, method: string, path: string, body?: unknown): Promise<Answer> => {
      const res = await fetch(at(i).url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };

    for (const s of serves) assert.equal((await fetch(`${s.url}/healthz`)).status, 200);

    const reg = await call(0, 'POST', '/admin/merchants', { name: 'Scale shop', ip: '127.0.0.1', returnUrl: `${receiver.url}/paid` });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const merchant = reg.body.uuid as string;
    const basic = `Basic ${Buffer.from(`${merchant}:${reg.body.secret as string}`).toString('base64')}`;
    /** A V4 web service as the merchant calls it: HTTP 200 and the envelope's status, or an HTTP error. */
    const v4 = async (i: number, service: string, body: unknown): Promise<Answer> => {
      const res = await fetch(`${at(i).url}/api-payment/V4/${service}`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    };

    // Payments, each through another instance.
    const payments: string[] = [];
    for (let i = 0; i < PAYMENTS; i++) {
      const r = await call(i, 'GET', `/cardpay/${merchant}/scale-order-${i}/${VISA}/12/${YEAR}/${PAYMENT_AMOUNT}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, 'PAID');
      payments.push(r.body.id);
    }
    const initials: string[] = [];
    for (let i = 0; i < INITIALS; i++) {
      const r = await v4(i + 1, 'Charge/CreatePayment', {
        amount: INITIAL_AMOUNT,
        currency: 'EUR',
        orderId: `scale-initial-${i}`,
        useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION',
        paymentForms: [{ paymentMethodType: 'CARD', pan: VISA, expiryMonth: 12, expiryYear: Number(YEAR) }],
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, 'SUCCESS', JSON.stringify(r.body));
      const initial = r.body.answer.transactions[0];
      assert.equal(initial.detailedStatus, 'ACCEPTED', JSON.stringify(r.body));
      initials.push(initial.uuid);
    }

    // All at once: refunds and shipments interleaved, round-robin over the instances.
    const refundPlan = payments.flatMap((tx) =>
      Array.from({ length: REFUNDS_PER_PAYMENT }, (_, k) => ({ tx, amount: REFUND_AMOUNTS[k % REFUND_AMOUNTS.length]! })),
    );
    const shipmentPlan = initials.flatMap((initial, n) =>
      Array.from({ length: SHIPMENTS_PER_INITIAL }, (_, k) => ({
        initial,
        amount: SHIPMENT_AMOUNTS[k % SHIPMENT_AMOUNTS.length]!,
        key: `ship-${n}-${k}`,
      })),
    );
    const retries = shipmentPlan.filter((_, k) => k % RETRY_EVERY === 0);
    const started = performance.now();
    const [refundAnswers, shipmentAnswers, retryAnswers] = await Promise.all([
      Promise.all(refundPlan.map((r, j) => call(j, 'GET', `/cardpay/${merchant}/${r.tx}/${r.amount}`))),
      Promise.all(
        shipmentPlan.map((s, j) =>
          v4(j + 1, 'Charge/CreateShipmentTransaction', { uuid: s.initial, amount: s.amount, idempotencyKey: s.key }),
        ),
      ),
      Promise.all(
        retries.map((s, j) => v4(j + 2, 'Charge/CreateShipmentTransaction', { uuid: s.initial, amount: s.amount, idempotencyKey: s.key })),
      ),
    ]);
    const elapsed = performance.now() - started;
    const requests = refundPlan.length + shipmentPlan.length + retries.length;
    t.diagnostic(
      `${requests} concurrent requests over ${setup.instances} instance(s) in ${elapsed.toFixed(0)} ms (${((requests / elapsed) * 1000).toFixed(0)} req/s)`,
    );

    const store = await openStore(setup.db, { migrate: false });
    try {
      // Refunds: 200, or 400 amount_exceeds_remaining; nothing else.
      for (const tx of payments) {
        const mine = refundPlan.map((r, j) => ({ ...r, answer: refundAnswers[j]! })).filter((r) => r.tx === tx);
        const ok = mine.filter((r) => r.answer.status === 200);
        const refused = mine.filter((r) => r.answer.status !== 200);
        for (const r of refused) {
          assert.equal(r.answer.status, 400, JSON.stringify(r.answer.body));
          assert.equal(r.answer.body.error.code, 'amount_exceeds_remaining', JSON.stringify(r.answer.body));
        }
        for (const r of ok) assert.equal(r.answer.body.refund.amount, minor(r.amount));
        const okSum = ok.reduce((sum, r) => sum + minor(r.amount), 0);

        const record = (await store.getTransaction(tx))!;
        assert.ok(record.refunded <= record.amount, `${tx}: refunded ${record.refunded} > amount ${record.amount}`);
        assert.equal(record.refunded, okSum, `${tx}: refunded must equal the sum of the refunds answered 200`);
        const recorded = await store.listRefunds(tx);
        assert.deepEqual(
          new Set(recorded.map((r) => r.id)),
          new Set(ok.map((r) => r.answer.body.refund.id)),
          `${tx}: every 200 has its refund record, and only those`,
        );
        assert.equal(recorded.length, ok.length);
        const remaining = record.amount - record.refunded;
        for (const r of refused) assert.ok(minor(r.amount) > remaining, `${tx}: ${r.amount} was refused although ${remaining} remains`);
        assert.ok(ok.length > 0 && refused.length > 0, 'the plan must both fill the payment and overflow it');

        const seen = await call(1, 'GET', `/admin/transactions/${tx}`);
        assert.equal(seen.body.refunded, okSum);
        assert.equal(seen.body.remaining, remaining);
      }

      // Shipments: SUCCESS, or ERROR PSP_229 (exceeds what remains to ship); a retried key answers the same shipment.
      const all = [
        ...shipmentPlan.map((s, j) => ({ ...s, answer: shipmentAnswers[j]!, retry: false })),
        ...retries.map((s, j) => ({ ...s, answer: retryAnswers[j]!, retry: true })),
      ];
      const byKey = new Map<string, Set<string>>();
      for (const s of all) {
        assert.equal(s.answer.status, 200, JSON.stringify(s.answer.body));
        const answer = s.answer.body.answer;
        if (s.answer.body.status === 'SUCCESS') {
          assert.equal(answer.status, 'PAID', JSON.stringify(answer));
          assert.equal(answer.amount, s.amount);
          assert.equal(answer.transactionDetails.parentTransactionUuid, s.initial);
          byKey.set(s.key, (byKey.get(s.key) ?? new Set()).add(answer.uuid));
        } else if (answer.errorCode === 'PSP_228' && retries.some((r) => r.key === s.key)) {
          // One of two requests with the same key, sent at once, arrived while the other was still
          // being debited: "ask again later" (whichever of the two came second).
        } else {
          assert.equal(answer.errorCode, 'PSP_229', JSON.stringify(answer));
        }
      }
      for (const [key, ids] of byKey) assert.equal(ids.size, 1, `idempotency key ${key} created ${ids.size} shipments`);
      for (const initial of initials) {
        const okShipments = new Map<string, number>(); // id → amount
        for (const s of all)
          if (s.initial === initial && s.answer.body.status === 'SUCCESS') okShipments.set(s.answer.body.answer.uuid, s.amount);
        const okSum = [...okShipments.values()].reduce((a, b) => a + b, 0);
        const parent = (await store.getTransaction(initial))!;
        assert.ok(parent.shipped <= parent.amount, `${initial}: shipped ${parent.shipped} > amount ${parent.amount}`);
        assert.equal(parent.shipped, okSum, `${initial}: shipped must equal the sum of the successful shipments`);
        const recorded = await store.listShipments(initial);
        assert.deepEqual(
          new Set(recorded.map((s) => s.id)),
          new Set(okShipments.keys()),
          `${initial}: every successful shipment has its record, and only those`,
        );
        for (const s of recorded) assert.equal(s.status, 'PAID');
        const remaining = parent.amount - parent.shipped;
        for (const s of all) {
          if (s.initial === initial && s.answer.body.answer.errorCode === 'PSP_229' && !byKey.has(s.key)) {
            assert.ok(s.amount > remaining, `${initial}: a shipment of ${s.amount} was refused although ${remaining} remains`);
          }
        }
        assert.ok(
          okShipments.size > 0 && okShipments.size < SHIPMENTS_PER_INITIAL,
          'the plan must both fill the authorisation and overflow it',
        );
      }
    } finally {
      await store.close();
    }

    // The whole ledger, by the operator's own tool.
    const verify = await runCli(['--db', setup.db, 'verify', '--json'], { home: home.home });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.equal(verify.json().ok, true);
  } finally {
    const exits = await Promise.all(serves.map((s) => s.stop()));
    await receiver.close();
    home.cleanup();
    for (const [i, e] of exits.entries()) assert.equal(e.code, 0, `instance ${i} did not stop cleanly:\n${serves[i]!.stderr()}`);
  }
}

function minor(decimal: string): number {
  const parsed = parseDecimal(decimal, 'EUR');
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.minor;
}
