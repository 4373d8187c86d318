import assert from 'node:assert/strict';
import type { EsipayError } from '../../../src/domain/errors.js';
import type { MerchantView, TransactionView } from '../../../src/domain/types.js';
import type { ListTransactionsInput } from '../../../src/engine/engine.js';
import { DECLINED } from './cards.js';
import type { ContractContext } from './context.js';
import { fails } from './fails.js';
import type { UseCase } from './run-engine-contract.js';
import { initialInput } from './seed-inputs.js';

const pay = (c: ContractContext, m: Pick<MerchantView, 'uuid'>, amount: string) => c.engine.pay(c.payInput(m, { amount }));

/** A merchant's transactions and totals, in pages. */
export const transactions: UseCase = {
  name: 'transactions',
  cases(c) {
    c.test("lists a merchant's transactions newest first, with remaining balances, in pages joined by cursors", async () => {
      const { m } = await c.merchant();
      const paid: TransactionView[] = [];
      for (const amount of ['1.00', '2.00', '3.00', '4.00', '5.00']) paid.push(await c.engine.pay(c.payInput(m, { amount })));
      await c.engine.refund({ transaction: paid[1]!.id, amount: '0.50' });

      const first = await c.engine.listTransactions({ merchant: m.uuid, limit: 2 });
      assert.equal(first.items.length, 2);
      assert.ok(first.next);
      const second = await c.engine.listTransactions({ merchant: m.uuid, limit: 2, cursor: first.next });
      assert.equal(second.items.length, 2);
      assert.ok(second.next);
      const third = await c.engine.listTransactions({ merchant: m.uuid, limit: 2, cursor: second.next });
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

      const whole = await c.engine.listTransactions({ merchant: m.uuid });
      assert.deepEqual(whole.items, listed);
      assert.equal(whole.next, null);

      const byKind = await c.engine.listTransactions({ merchant: m.uuid, kinds: ['card'] });
      assert.equal(byKind.items.length, 5);
      assert.deepEqual((await c.engine.listTransactions({ merchant: m.uuid, kinds: ['shipment'] })).items, []);

      const totals = await c.engine.merchantTotals(m.uuid);
      assert.equal(totals.paid, '1500');
      assert.equal(totals.refunded, '50');
      assert.equal(totals.count, 5);
      assert.equal(totals.currency, 'EUR');
    });

    c.test('refuses a cursor it did not give and a limit that is not a positive integer', async () => {
      const { m } = await c.merchant();
      await fails(c.engine.listTransactions({ merchant: m.uuid, cursor: 'bogus' }), 'invalid', 'invalid_cursor');
      await fails(c.engine.listTransactions({ merchant: m.uuid, limit: 0 }), 'invalid', 'invalid_limit');
      await fails(c.engine.listTransactions({ merchant: m.uuid, limit: Number.NaN }), 'invalid', 'invalid_limit');
      await fails(c.engine.listMerchants({ limit: -1 }), 'invalid', 'invalid_limit');
    });

    c.test('filters by status as displayed (PAID split by what was refunded), in pages joined by cursors', async () => {
      const { m } = await c.merchant();
      const [paid, partly, whole] = [await pay(c, m, '1.00'), await pay(c, m, '2.00'), await pay(c, m, '3.00')];
      await c.engine.refund({ transaction: partly.id, amount: '0.50' });
      await c.engine.refund({ transaction: whole.id });
      const declined = await c.engine
        .pay(c.payInput(m, { card: { number: DECLINED } }))
        .catch((e: EsipayError) => e.transaction as TransactionView);
      const initial = await c.engine.createInitial(initialInput(c, m));

      const ids = async (statuses: string[]) => (await c.engine.listTransactions({ merchant: m.uuid, statuses })).items.map((t) => t.id);
      assert.deepEqual(await ids(['PAID']), [paid.id]);
      assert.deepEqual(await ids(['REFUNDED', 'PARTIALLY_REFUNDED']), [whole.id, partly.id]);
      assert.deepEqual(await ids(['DECLINED']), [declined.id]);
      assert.deepEqual(await ids(['AUTHORISED']), [initial.id]);
      assert.deepEqual(await ids(['EXPIRED', 'CANCELLED']), []);
      assert.deepEqual(await ids(['paid']), [paid.id], 'a status in lower case is the same status');

      const moneyMoved = ['PAID', 'PARTIALLY_REFUNDED', 'REFUNDED'];
      const pages: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await c.engine.listTransactions({ merchant: m.uuid, statuses: moneyMoved, limit: 1, ...(cursor ? { cursor } : {}) });
        assert.ok(page.items.length <= 1);
        pages.push(...page.items.map((t) => t.id));
        cursor = page.next ?? undefined;
      } while (cursor);
      assert.deepEqual(pages, [whole.id, partly.id, paid.id]);
      for (const t of (await c.engine.listTransactions({ merchant: m.uuid, statuses: moneyMoved })).items)
        assert.ok(moneyMoved.includes(t.status));
    });

    c.test('filters by creation time: since inclusive, until exclusive, a day or an ISO 8601 time with its offset', async () => {
      const { m } = await c.merchant();
      for (const amount of ['1.00', '2.00', '3.00', '4.00']) await pay(c, m, amount);
      const all = await c.allTransactions(m.uuid);
      const pivot = all[2]!.createdAt;
      const ids = async (q: { since?: string; until?: string }) =>
        (await c.engine.listTransactions({ merchant: m.uuid, ...q })).items.map((t) => t.id);
      assert.deepEqual(
        await ids({ since: pivot }),
        all.filter((t) => t.createdAt >= pivot).map((t) => t.id),
      );
      assert.deepEqual(
        await ids({ until: pivot }),
        all.filter((t) => t.createdAt < pivot).map((t) => t.id),
      );
      // The same instant two hours ahead of UTC.
      const ahead = new Date(Date.parse(pivot) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
      assert.deepEqual(await ids({ since: ahead }), await ids({ since: pivot }));
      assert.deepEqual(
        await ids({ since: '2000-01-01' }),
        all.map((t) => t.id),
      );
      assert.deepEqual(await ids({ until: '2000-01-01' }), []);
      const newest = all[0]!.createdAt;
      assert.deepEqual(
        await ids({ since: all.at(-1)!.createdAt, until: new Date(Date.parse(newest) + 1).toISOString() }),
        all.map((t) => t.id),
      );
    });

    c.test('filters by merchant reference, with the kind', async () => {
      const { m } = await c.merchant();
      const cid = c.unique('wanted');
      const wanted = await c.engine.pay(c.payInput(m, { cid }));
      await pay(c, m, '5.00');
      assert.deepEqual((await c.engine.listTransactions({ merchant: m.uuid, cid })).items, [wanted]);
      assert.deepEqual((await c.engine.listTransactions({ merchant: m.uuid, cid, kinds: ['card'], statuses: ['PAID'] })).items, [wanted]);
      assert.deepEqual((await c.engine.listTransactions({ merchant: m.uuid, cid, kinds: ['initial'] })).items, []);
      assert.deepEqual((await c.engine.listTransactions({ merchant: m.uuid, cid: 'no-such-order' })).items, []);
    });

    c.test('refuses an unknown kind or status, a time that does not parse, an empty range and an unusable cursor', async () => {
      const { m } = await c.merchant();
      const list = (q: Omit<ListTransactionsInput, 'merchant'>) => c.engine.listTransactions({ merchant: m.uuid, ...q });
      const kind = await fails(list({ kinds: ['cards'] }), 'invalid', 'invalid_kind');
      assert.equal(kind.message, 'unknown kind "cards": use card, initial, shipment or link');
      const status = await fails(list({ statuses: ['PAID', 'PAYED'] }), 'invalid', 'invalid_status');
      assert.match(status.message, /^unknown status "PAYED": use PENDING, PAID, .* or CANCELLED$/);
      await fails(list({ kinds: [''] }), 'invalid', 'invalid_kind');
      await fails(list({ since: 'yesterday' }), 'invalid', 'invalid_since');
      await fails(list({ until: '2024-02-30' }), 'invalid', 'invalid_until');
      await fails(list({ since: '2024-05-01T25:00:00Z' }), 'invalid', 'invalid_since');
      await fails(list({ since: '2024-06-01', until: '2024-05-01' }), 'invalid', 'invalid_range');
      await fails(list({ cid: '' }), 'invalid', 'invalid_cid');
      await fails(list({ cursor: '' }), 'invalid', 'invalid_cursor');
      // Decodes to a time and a word: not the cursor of a transaction listing, never read as the first page.
      await fails(list({ cursor: Buffer.from('2024-01-01|x').toString('base64url') }), 'invalid', 'invalid_cursor');
      // A filter is checked before the merchant, on every engine alike.
      await fails(
        c.engine.listTransactions({ merchant: '00000000-0000-4000-8000-000000000000', kinds: ['cards'] }),
        'invalid',
        'invalid_kind',
      );
    });

    c.test('keeps totals exact past 2^53 minor units: sums are strings of digits, never rounded', async () => {
      const { m } = await c.merchant();
      // The largest amount a payment may have: 2^53 - 1 minor units.
      for (const cid of ['huge-1', 'huge-2', 'huge-3']) {
        const t = await c.engine.pay(c.payInput(m, { cid, amount: '90071992547409.91' }));
        assert.equal(t.amount, Number.MAX_SAFE_INTEGER);
      }
      await c.engine.refund({
        transaction: (await c.engine.listTransactions({ merchant: m.uuid, limit: 1 })).items[0]!.id,
        amount: '0.01',
      });
      const totals = await c.engine.merchantTotals(m.uuid);
      assert.equal(totals.paid, '27021597764222973', 'three times 9007199254740991, exactly');
      assert.equal(totals.refunded, '1');
      assert.equal(totals.count, 3);
    });

    c.test('lists nothing for a merchant without transactions', async () => {
      const { m } = await c.merchant();
      assert.deepEqual(await c.engine.listTransactions({ merchant: m.uuid }), { items: [], next: null });
      const totals = await c.engine.merchantTotals(m.uuid);
      assert.equal(totals.paid, '0');
      assert.equal(totals.count, 0);
    });
  },
};
