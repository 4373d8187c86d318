import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifySignature } from '../../src/callback/signature.js';
import { type ErrorKind, EsipayError } from '../../src/domain/errors.js';
import type { MerchantView, MerchantWithSecret, TransactionView } from '../../src/domain/types.js';
import type { Engine, PayInput } from '../../src/engine/engine.js';
import { type Behaviour, closedUrl, type Receiver, startReceiver } from '../helpers/receiver.js';

/**
 * The engine contract: every use case and every error, through the Engine interface only. Each
 * engine (local over SQLite, remote to a real `esipay serve`, and the PostgreSQL variants) runs
 * this same suite, so the CLI behaves the same whichever engine it uses.
 *
 * A subject shares one engine across the suite; each test works with merchants of its own, so the
 * tests do not depend on one another.
 */
export interface ContractSubject {
  engine: Engine;
  /** The address the engine's payments and refunds come from, to register merchants with. */
  merchantIp: string;
  /** The return-URL timeout the engine (or its service) runs with: keep it short (≈1 s). */
  callbackTimeoutMs: number;
  cleanup(): Promise<void>;
}

const VISA = '4111111111111111';
const MASTERCARD = '5555555555554444';
const DECLINED = '4000000000000002';
const ACQUIRER_FAILS = '4000000000000119';
const NEXT_YEAR = String(new Date().getUTCFullYear() + 1);

export function engineContract(name: string, factory: () => Promise<ContractSubject>): void {
  describe(`engine contract: ${name}`, () => {
    let s: ContractSubject;
    let engine: Engine;
    const receivers: Receiver[] = [];
    let seq = 0;

    before(async () => {
      s = await factory();
      engine = s.engine;
    });
    after(async () => {
      await Promise.all(receivers.map((r) => r.close()));
      await s?.cleanup();
    });

    async function receiver(behaviour: Behaviour = 200): Promise<Receiver> {
      const r = await startReceiver(behaviour);
      receivers.push(r);
      return r;
    }

    /** A merchant whose return URL behaves as told. */
    async function merchant(
      behaviour: Behaviour = 200,
      extra: { currency?: string } = {},
    ): Promise<{ m: MerchantWithSecret; r: Receiver }> {
      const r = await receiver(behaviour);
      const m = await engine.registerMerchant({ name: `Shop ${++seq}`, ip: s.merchantIp, returnUrl: `${r.url}/paid`, ...extra });
      return { m, r };
    }

    const payInput = (m: MerchantView, over: Partial<Omit<PayInput, 'card'>> & { card?: Partial<PayInput['card']> } = {}): PayInput => ({
      merchant: m.uuid,
      cid: over.cid ?? `order-${++seq}`,
      amount: over.amount ?? '74.12',
      card: { number: VISA, month: '12', year: NEXT_YEAR, ...over.card },
    });

    /** The engine call fails with exactly this kind and code; returns the error. */
    async function fails(p: Promise<unknown>, kind: ErrorKind, code: string): Promise<EsipayError> {
      let caught: unknown;
      try {
        await p;
      } catch (e) {
        caught = e;
      }
      assert.ok(
        caught instanceof EsipayError,
        `expected an EsipayError ${kind}/${code}, got ${caught instanceof Error ? caught.stack : String(caught)}`,
      );
      assert.deepEqual({ kind: caught.kind, code: caught.code }, { kind, code }, caught.message);
      assert.ok(caught.message.length > 0 && !caught.message.includes('\n'), 'a one-line message');
      return caught;
    }

    async function allTransactions(merchantId: string): Promise<TransactionView[]> {
      const out: TransactionView[] = [];
      let cursor: string | undefined;
      do {
        const page = await engine.listTransactions({ merchant: merchantId, limit: 100, ...(cursor ? { cursor } : {}) });
        out.push(...page.items);
        cursor = page.next ?? undefined;
      } while (cursor);
      return out;
    }

    async function allMerchants(): Promise<MerchantView[]> {
      const out: MerchantView[] = [];
      let cursor: string | undefined;
      do {
        const page = await engine.listMerchants({ limit: 100, ...(cursor ? { cursor } : {}) });
        out.push(...page.items);
        cursor = page.next ?? undefined;
      } while (cursor);
      return out;
    }

    describe('merchants', () => {
      it('registers a merchant, shows it and lists it, the secret only at registration', async () => {
        const r = await receiver();
        const m = await engine.registerMerchant({
          name: '  Boutique Rive Gauche ',
          ip: s.merchantIp,
          returnUrl: `${r.url}/paid`,
          currency: 'EUR',
        });
        assert.match(m.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        assert.match(m.secret, /^whsec_/);
        assert.equal(m.name, 'Boutique Rive Gauche');
        assert.equal(m.currency, 'EUR');
        assert.equal(m.returnUrl, `${r.url}/paid`);
        const shown = await engine.getMerchant(m.uuid);
        const { secret: _secret, ...view } = m;
        assert.deepEqual(shown, view);
        assert.ok(!('secret' in shown));
        const listed = (await allMerchants()).find((x) => x.uuid === m.uuid);
        assert.deepEqual(listed, view);
      });

      it('lists merchants oldest first, in pages joined by cursors', async () => {
        const registered = [(await merchant()).m, (await merchant()).m, (await merchant()).m];
        // Oldest first: by creation time, then uuid for those created in the same millisecond.
        const mine = registered
          .sort((a, b) => (a.createdAt === b.createdAt ? (a.uuid < b.uuid ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1))
          .map((m) => m.uuid);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await engine.listMerchants({ limit: 2, ...(cursor ? { cursor } : {}) });
          assert.ok(page.items.length <= 2);
          seen.push(...page.items.map((m) => m.uuid));
          cursor = page.next ?? undefined;
          pages++;
        } while (cursor);
        assert.equal(new Set(seen).size, seen.length, 'no merchant twice');
        assert.deepEqual(
          seen.filter((u) => mine.includes(u)),
          mine,
        );
        assert.ok(pages >= 2);
      });

      it('refuses invalid registrations and registers nothing', async () => {
        const r = await receiver();
        const ok = { name: 'Shop', ip: s.merchantIp, returnUrl: `${r.url}/paid` };
        const before = (await allMerchants()).length;
        await fails(engine.registerMerchant({ ...ok, name: '' }), 'invalid', 'invalid_name');
        await fails(engine.registerMerchant({ ...ok, name: 'x'.repeat(101) }), 'invalid', 'invalid_name');
        await fails(engine.registerMerchant({ ...ok, ip: '300.1.1.1' }), 'invalid', 'invalid_ip');
        await fails(engine.registerMerchant({ ...ok, ip: 'localhost' }), 'invalid', 'invalid_ip');
        await fails(engine.registerMerchant({ ...ok, returnUrl: 'not a url' }), 'invalid', 'invalid_return_url');
        await fails(engine.registerMerchant({ ...ok, returnUrl: 'ftp://127.0.0.1/x' }), 'invalid', 'invalid_return_url');
        await fails(engine.registerMerchant({ ...ok, currency: 'EURO' }), 'invalid', 'invalid_currency');
        await fails(engine.registerMerchant({ ...ok, currency: 'XYZ' }), 'invalid', 'invalid_currency');
        assert.equal((await allMerchants()).length, before);
      });

      it('does not know a merchant it never registered', async () => {
        await fails(engine.getMerchant('00000000-0000-4000-8000-000000000000'), 'not_found', 'unknown_merchant');
        await fails(engine.getMerchant('not/a/uuid'), 'not_found', 'unknown_merchant');
        await fails(engine.rotateMerchantSecret('00000000-0000-4000-8000-000000000000'), 'not_found', 'unknown_merchant');
        await fails(engine.listTransactions({ merchant: '00000000-0000-4000-8000-000000000000' }), 'not_found', 'unknown_merchant');
        await fails(engine.merchantTotals('00000000-0000-4000-8000-000000000000'), 'not_found', 'unknown_merchant');
      });

      it('rotates the secret: callbacks are signed with the new one, and still verify with the previous one', async () => {
        const { m, r } = await merchant();
        const rotated = await engine.rotateMerchantSecret(m.uuid);
        assert.notEqual(rotated.secret, m.secret);
        assert.equal(rotated.uuid, m.uuid);
        await engine.pay(payInput(m));
        const cb = r.received[0]!;
        const header = String(cb.headers['esipay-signature']);
        assert.ok(verifySignature(cb.body, header, [rotated.secret]).ok, 'verifies with the new secret');
        assert.ok(verifySignature(cb.body, header, [m.secret]).ok, 'still verifies with the previous secret');
      });
    });

    describe('payments', () => {
      it('pays: PAID once the return URL answered 200, with a signed callback carrying type, amount, transaction and cid', async () => {
        const { m, r } = await merchant();
        const tx = await engine.pay(payInput(m, { cid: 'order-42', amount: '74.12' }));
        assert.equal(tx.status, 'PAID');
        assert.equal(tx.kind, 'card');
        assert.equal(tx.merchant, m.uuid);
        assert.equal(tx.cid, 'order-42');
        assert.equal(tx.amount, 7412);
        assert.equal(tx.currency, 'EUR');
        assert.equal(tx.refunded, 0);
        assert.equal(tx.remaining, 7412);
        assert.deepEqual(tx.card, { first6: '411111', last4: '1111', brand: 'visa' });
        assert.match(tx.id, /^[0-9a-f]{32}$/);

        assert.equal(r.received.length, 1);
        const cb = r.received[0]!;
        assert.equal(cb.method, 'POST');
        assert.equal(cb.path, '/paid');
        assert.deepEqual(cb.fields, { type: 'card', amount: '74.12', transaction: tx.id, cid: 'order-42' });
        assert.ok(
          verifySignature(cb.body, String(cb.headers['esipay-signature']), [m.secret]).ok,
          'the callback is signed with the merchant secret',
        );
        assert.ok(!cb.body.includes(VISA), 'the callback never carries the card number');

        const detail = await engine.getTransaction(tx.id);
        assert.equal(detail.status, 'PAID');
        assert.deepEqual(detail.callback, { status: 200, error: null });
        assert.deepEqual(detail.refunds, []);
        assert.deepEqual(await engine.getTransaction(tx.id, m.uuid), detail);
        assert.ok(!JSON.stringify(detail).includes(VISA));
      });

      it('pays in a currency without decimals', async () => {
        const { m, r } = await merchant(200, { currency: 'JPY' });
        const tx = await engine.pay(payInput(m, { amount: '500', card: { number: MASTERCARD } }));
        assert.equal(tx.amount, 500);
        assert.equal(tx.currency, 'JPY');
        assert.equal(tx.card?.brand, 'mastercard');
        assert.equal(r.received[0]!.fields.amount, '500');
        await fails(engine.pay(payInput(m, { amount: '5.5' })), 'invalid', 'invalid_amount');
      });

      for (const [what, behaviour] of [
        ['answers 500', 500],
        ['answers 201 (only 200 counts)', 201],
        ['never answers', 'hang'],
        ['drops the connection', 'close'],
      ] as const) {
        it(`cancels the payment when the return URL ${what}`, async () => {
          const { m, r } = await merchant(behaviour);
          const e = await fails(engine.pay(payInput(m)), 'cancelled', 'callback_failed');
          const recorded = e.transaction as TransactionView;
          assert.equal(recorded.status, 'CANCELLED');
          assert.equal(recorded.remaining, 0);
          assert.equal(r.received.length, 1);
          const detail = await engine.getTransaction(recorded.id);
          assert.equal(detail.status, 'CANCELLED');
          assert.equal(detail.callback?.status ?? null, typeof behaviour === 'number' ? behaviour : null);
          assert.deepEqual(
            (await allTransactions(m.uuid)).map((t) => t.status),
            ['CANCELLED'],
          );
          assert.equal((await engine.merchantTotals(m.uuid)).paid, 0);
        });
      }

      it('cancels the payment when nothing listens at the return URL', async () => {
        const url = await closedUrl();
        const m = await engine.registerMerchant({ name: 'Gone', ip: s.merchantIp, returnUrl: `${url}/paid` });
        const e = await fails(engine.pay(payInput(m)), 'cancelled', 'callback_failed');
        assert.equal((e.transaction as TransactionView).status, 'CANCELLED');
      });

      it('records a declined card as DECLINED, without calling the return URL', async () => {
        const { m, r } = await merchant();
        const e = await fails(engine.pay(payInput(m, { card: { number: DECLINED } })), 'refused', 'card_declined');
        const recorded = e.transaction as TransactionView;
        assert.equal(recorded.status, 'DECLINED');
        assert.equal((await engine.getTransaction(recorded.id)).status, 'DECLINED');
        assert.equal(r.received.length, 0);
      });

      it('reports an acquirer failure as unavailable, records it FAILED, and charges nothing', async () => {
        const { m, r } = await merchant();
        await fails(engine.pay(payInput(m, { card: { number: ACQUIRER_FAILS } })), 'unavailable', 'acquirer_error');
        assert.deepEqual(
          (await allTransactions(m.uuid)).map((t) => t.status),
          ['FAILED'],
        );
        assert.equal(r.received.length, 0);
      });

      it('refuses bad parameters with the parameter named, and records nothing', async () => {
        const { m, r } = await merchant();
        for (const amount of ['abc', '0', '0.00', '-1', '1e3', '12,50', '1.234', ' 12', '', '12.', '.5', '0x10', '99999999999999999999']) {
          await fails(engine.pay(payInput(m, { amount })), 'invalid', 'invalid_amount');
        }
        for (const number of ['4111111111111112', '411111111111', 'abcd', '', '4111 1111 1111 1111', '41111111111111111111']) {
          await fails(engine.pay(payInput(m, { card: { number } })), 'invalid', 'invalid_card_number');
        }
        for (const month of ['13', '0', '00', 'ab', '', '1.5', '-1']) {
          await fails(engine.pay(payInput(m, { card: { month } })), 'invalid', 'invalid_card_month');
        }
        for (const year of ['20x5', '123', '', '99999']) {
          await fails(engine.pay(payInput(m, { card: { year } })), 'invalid', 'invalid_card_year');
        }
        await fails(engine.pay(payInput(m, { card: { month: '1', year: '2020' } })), 'invalid', 'card_expired');
        for (const cid of ['', 'a b', 'x'.repeat(65), 'a/b']) {
          await fails(engine.pay(payInput(m, { cid })), 'invalid', 'invalid_cid');
        }
        assert.deepEqual(await allTransactions(m.uuid), []);
        assert.equal(r.received.length, 0);
      });

      it('refuses a payment for an unknown merchant', async () => {
        await fails(
          engine.pay({ ...payInput({ uuid: '00000000-0000-4000-8000-000000000000' } as MerchantView) }),
          'not_found',
          'unknown_merchant',
        );
      });

      it('charges a cid once: the same payment again gives the same transaction and no second callback', async () => {
        const { m, r } = await merchant();
        const input = payInput(m, { cid: 'retry-me' });
        const first = await engine.pay(input);
        const again = await engine.pay(input);
        assert.deepEqual(again, first);
        assert.equal(r.received.length, 1);
        assert.equal((await allTransactions(m.uuid)).length, 1);
      });

      it('refuses a cid reused for a different payment, and changes nothing', async () => {
        const { m, r } = await merchant();
        const first = await engine.pay(payInput(m, { cid: 'once', amount: '10.00' }));
        await fails(engine.pay(payInput(m, { cid: 'once', amount: '10.01' })), 'conflict', 'cid_reused');
        await fails(engine.pay(payInput(m, { cid: 'once', amount: '10.00', card: { number: MASTERCARD } })), 'conflict', 'cid_reused');
        await fails(engine.pay(payInput(m, { cid: 'once', amount: '10.00', card: { month: '11' } })), 'conflict', 'cid_reused');
        assert.deepEqual(
          (await allTransactions(m.uuid)).map((t) => t.id),
          [first.id],
        );
        assert.equal(r.received.length, 1);
      });

      it('keeps a declined cid declined when it is retried', async () => {
        const { m } = await merchant();
        const input = payInput(m, { card: { number: DECLINED } });
        await fails(engine.pay(input), 'refused', 'card_declined');
        await fails(engine.pay(input), 'refused', 'card_declined');
        assert.equal((await allTransactions(m.uuid)).length, 1);
      });

      it('lets two merchants use the same cid', async () => {
        const a = await merchant();
        const b = await merchant();
        const ta = await engine.pay(payInput(a.m, { cid: 'shared' }));
        const tb = await engine.pay(payInput(b.m, { cid: 'shared' }));
        assert.notEqual(ta.id, tb.id);
      });
    });

    describe('refunds', () => {
      it('refunds partly, then all that remains, then refuses more', async () => {
        const { m } = await merchant();
        const tx = await engine.pay(payInput(m, { amount: '100.00' }));

        const part = await engine.refund({ transaction: tx.id, amount: '30.00', merchant: m.uuid });
        assert.equal(part.refund.amount, 3000);
        assert.equal(part.refund.currency, 'EUR');
        assert.equal(part.refund.transaction, tx.id);
        assert.equal(part.transaction.refunded, 3000);
        assert.equal(part.transaction.remaining, 7000);
        assert.equal(part.transaction.status, 'PARTIALLY_REFUNDED');

        const rest = await engine.refund({ transaction: tx.id });
        assert.equal(rest.refund.amount, 7000);
        assert.equal(rest.transaction.refunded, 10000);
        assert.equal(rest.transaction.remaining, 0);
        assert.equal(rest.transaction.status, 'REFUNDED');

        await fails(engine.refund({ transaction: tx.id }), 'conflict', 'nothing_to_refund');
        await fails(engine.refund({ transaction: tx.id, amount: '0.01' }), 'conflict', 'amount_exceeds_remaining');
        const detail = await engine.getTransaction(tx.id);
        assert.deepEqual(
          detail.refunds.map((r) => r.amount),
          [3000, 7000],
        );
        const totals = await engine.merchantTotals(m.uuid);
        assert.equal(totals.paid, 10000);
        assert.equal(totals.refunded, 10000);
      });

      it('refuses a refund over what remains and changes nothing', async () => {
        const { m } = await merchant();
        const tx = await engine.pay(payInput(m, { amount: '50.00' }));
        await engine.refund({ transaction: tx.id, amount: '20.00' });
        const e = await fails(
          engine.refund({ transaction: tx.id, amount: '30.01', merchant: m.uuid }),
          'conflict',
          'amount_exceeds_remaining',
        );
        assert.match(e.message, /30\.00/);
        const detail = await engine.getTransaction(tx.id);
        assert.equal(detail.refunded, 2000);
        assert.equal(detail.remaining, 3000);
        assert.equal(detail.refunds.length, 1);
      });

      it('never lets concurrent refunds exceed the payment', async () => {
        const { m } = await merchant();
        const tx = await engine.pay(payInput(m, { amount: '100.00' }));
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, () => engine.refund({ transaction: tx.id, amount: '30.00', merchant: m.uuid })),
        );
        const ok = results.filter((r) => r.status === 'fulfilled');
        assert.equal(ok.length, 3);
        for (const r of results) {
          if (r.status === 'rejected') assert.equal((r.reason as EsipayError).code, 'amount_exceeds_remaining');
        }
        const detail = await engine.getTransaction(tx.id);
        assert.equal(detail.refunded, 9000);
        assert.equal(detail.refunds.length, 3);
      });

      it('refuses bad refund amounts', async () => {
        const { m } = await merchant();
        const tx = await engine.pay(payInput(m, { amount: '10.00' }));
        for (const amount of ['abc', '0', '-1', '1e3', '12,50', '1.234']) {
          await fails(engine.refund({ transaction: tx.id, amount, merchant: m.uuid }), 'invalid', 'invalid_amount');
        }
        assert.equal((await engine.getTransaction(tx.id)).refunded, 0);
      });

      it('refuses to refund a declined or cancelled payment', async () => {
        const { m } = await merchant();
        const declined = (await fails(engine.pay(payInput(m, { card: { number: DECLINED } })), 'refused', 'card_declined'))
          .transaction as TransactionView;
        await fails(engine.refund({ transaction: declined.id }), 'conflict', 'not_refundable');
        await fails(engine.refund({ transaction: declined.id, amount: '1.00', merchant: m.uuid }), 'conflict', 'not_refundable');

        const failing = await merchant(500);
        const cancelled = (await fails(engine.pay(payInput(failing.m)), 'cancelled', 'callback_failed')).transaction as TransactionView;
        await fails(engine.refund({ transaction: cancelled.id }), 'conflict', 'not_refundable');
      });

      it('does not know an unknown transaction', async () => {
        const { m } = await merchant();
        const unknown = '0123456789abcdef0123456789abcdef';
        await fails(engine.refund({ transaction: unknown }), 'not_found', 'unknown_transaction');
        await fails(engine.refund({ transaction: unknown, merchant: m.uuid }), 'not_found', 'unknown_transaction');
        await fails(engine.refund({ transaction: unknown, amount: '1.00', merchant: m.uuid }), 'not_found', 'unknown_transaction');
        await fails(engine.getTransaction(unknown), 'not_found', 'unknown_transaction');
        await fails(engine.getTransaction(unknown, m.uuid), 'not_found', 'unknown_transaction');
        await fails(engine.refund({ transaction: 'x', merchant: '00000000-0000-4000-8000-000000000000' }), 'not_found', 'unknown_merchant');
      });

      it("does not let a merchant see or refund another merchant's transaction", async () => {
        const owner = await merchant();
        const other = await merchant();
        const tx = await engine.pay(payInput(owner.m, { amount: '10.00' }));
        await fails(engine.refund({ transaction: tx.id, merchant: other.m.uuid }), 'not_found', 'unknown_transaction');
        await fails(engine.refund({ transaction: tx.id, amount: '1.00', merchant: other.m.uuid }), 'not_found', 'unknown_transaction');
        await fails(engine.getTransaction(tx.id, other.m.uuid), 'not_found', 'unknown_transaction');
        assert.equal((await engine.getTransaction(tx.id)).refunded, 0);
        assert.deepEqual(await allTransactions(other.m.uuid), []);
      });
    });

    describe('listings', () => {
      it("lists a merchant's transactions newest first, with remaining balances, in pages joined by cursors", async () => {
        const { m } = await merchant();
        const paid: TransactionView[] = [];
        for (const amount of ['1.00', '2.00', '3.00', '4.00', '5.00']) paid.push(await engine.pay(payInput(m, { amount })));
        await engine.refund({ transaction: paid[1]!.id, amount: '0.50' });

        const first = await engine.listTransactions({ merchant: m.uuid, limit: 2 });
        assert.equal(first.items.length, 2);
        assert.ok(first.next);
        const second = await engine.listTransactions({ merchant: m.uuid, limit: 2, cursor: first.next });
        assert.equal(second.items.length, 2);
        assert.ok(second.next);
        const third = await engine.listTransactions({ merchant: m.uuid, limit: 2, cursor: second.next });
        assert.equal(third.items.length, 1);
        assert.equal(third.next, null);

        const listed = [...first.items, ...second.items, ...third.items];
        // Newest first: by creation time, then id for those created in the same millisecond.
        const newestFirst = [...paid].sort((a, b) =>
          a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
        );
        assert.deepEqual(
          listed.map((t) => t.id),
          newestFirst.map((t) => t.id),
        );
        const refunded = listed.find((t) => t.id === paid[1]!.id)!;
        assert.equal(refunded.refunded, 50);
        assert.equal(refunded.remaining, 150);
        assert.equal(refunded.status, 'PARTIALLY_REFUNDED');

        const whole = await engine.listTransactions({ merchant: m.uuid });
        assert.deepEqual(whole.items, listed);
        assert.equal(whole.next, null);

        const byKind = await engine.listTransactions({ merchant: m.uuid, kinds: ['card'] });
        assert.equal(byKind.items.length, 5);
        assert.deepEqual((await engine.listTransactions({ merchant: m.uuid, kinds: ['shipment'] })).items, []);

        const totals = await engine.merchantTotals(m.uuid);
        assert.equal(totals.paid, 1500);
        assert.equal(totals.refunded, 50);
        assert.equal(totals.count, 5);
        assert.equal(totals.currency, 'EUR');
      });

      it('refuses a cursor it did not give and a limit that is not a positive integer', async () => {
        const { m } = await merchant();
        await fails(engine.listTransactions({ merchant: m.uuid, cursor: 'bogus' }), 'invalid', 'invalid_cursor');
        await fails(engine.listTransactions({ merchant: m.uuid, limit: 0 }), 'invalid', 'invalid_limit');
        await fails(engine.listTransactions({ merchant: m.uuid, limit: Number.NaN }), 'invalid', 'invalid_limit');
        await fails(engine.listMerchants({ limit: -1 }), 'invalid', 'invalid_limit');
      });

      it('lists nothing for a merchant without transactions', async () => {
        const { m } = await merchant();
        assert.deepEqual(await engine.listTransactions({ merchant: m.uuid }), { items: [], next: null });
        const totals = await engine.merchantTotals(m.uuid);
        assert.equal(totals.paid, 0);
        assert.equal(totals.count, 0);
      });
    });
  });
}
