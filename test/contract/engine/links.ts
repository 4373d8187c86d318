import assert from 'node:assert/strict';
import type { ErrorKind } from '../../../src/domain/errors.js';
import type { LinkMode } from '../../../src/domain/types.js';
import type { CreateLinkInput, LinkView } from '../../../src/engine/engine.js';
import type { ContractContext } from './context.js';
import { fails } from './fails.js';
import { linkInput } from './seed-inputs.js';
import type { UseCase } from './run-engine-contract.js';

const MINUTE_MS = 60_000;
const LINK_URL = /^https?:\/\/[^/]+\/paypage\?SDESSID=[A-Za-z0-9_-]{43}$/;

/** What list and show give of a link: everything createLink gave but the URL, which only it can give. */
const shown = (created: LinkView): LinkView => ({ ...created, link: null });

/** Every page of listLinks. */
async function allLinks(c: ContractContext, merchant: string): Promise<LinkView[]> {
  const out: LinkView[] = [];
  let cursor: string | undefined;
  do {
    const page = await c.engine.listLinks({ merchant, limit: 100, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor);
  return out;
}

/** Payment links: created open with the URL to hand to the consumer, listed and shown by their merchant only. */
export const links: UseCase = {
  name: 'links',
  cases(c) {
    c.test('creates a link open, with its URL, then lists and shows it without the URL', async () => {
      const { m } = await c.merchant();
      const link = await c.engine.createLink(linkInput(c, m, { paymentReference: 'Facture31102019' }));
      assert.match(link.id, /^[0-9a-f]{32}$/);
      assert.equal(link.merchant, m.uuid);
      assert.match(link.link ?? '', LINK_URL);
      assert.equal(link.state, 'open');
      assert.equal(link.mode, 'pay_now');
      assert.equal(link.amount, 10000);
      assert.equal(link.currency, 'EUR');
      assert.equal(link.paymentReference, 'Facture31102019');
      assert.equal(link.consumerReference, 'c-42');
      assert.equal(link.transaction, null);
      assert.equal(Date.parse(link.expiresAt) - Date.parse(link.createdAt), 10_080 * MINUTE_MS, 'open 7 days by default');
      assert.equal(link.schedule, undefined);
      assert.equal(link.notifications, undefined, 'nothing sent unless asked');

      assert.deepEqual(await c.engine.getLink(link.id), shown(link));
      assert.deepEqual(await c.engine.getLink(link.id, m.uuid), shown(link));
      assert.deepEqual(await c.engine.listLinks({ merchant: m.uuid }), { items: [shown(link)], next: null });
    });

    for (const [mode, scenario] of [
      ['pay_now', undefined],
      ['multi_pay', '3x'],
      ['pay_later', '30d'],
    ] as const) {
      c.test(`creates a ${mode} link${scenario ? ` (${scenario})` : ''}, shown with its mode`, async () => {
        const { m } = await c.merchant();
        const link = await c.engine.createLink(linkInput(c, m, { mode, ...(scenario ? { extra: { payment_scenario: scenario } } : {}) }));
        assert.equal(link.mode, mode);
        assert.equal(link.state, 'open');
        assert.equal(link.amount, 10000);
        assert.match(link.link ?? '', LINK_URL);
        assert.deepEqual(await c.engine.getLink(link.id, m.uuid), shown(link));
        assert.deepEqual(await allLinks(c, m.uuid), [shown(link)]);
      });
    }

    c.test('keeps a link open for link_duration minutes, in the currency of its merchant', async () => {
      const { m } = await c.merchant(200, { currency: 'JPY' });
      const link = await c.engine.createLink(linkInput(c, m, { amount: '500', extra: { link_duration: 60 } }));
      assert.equal(Date.parse(link.expiresAt) - Date.parse(link.createdAt), 60 * MINUTE_MS);
      assert.equal(link.amount, 500);
      assert.equal(link.currency, 'JPY');
    });

    c.test('lists links newest first, in pages joined by cursors', async () => {
      const { m } = await c.merchant();
      const created: LinkView[] = [];
      for (let i = 0; i < 3; i++) created.push(await c.engine.createLink(linkInput(c, m)));
      const first = await c.engine.listLinks({ merchant: m.uuid, limit: 2 });
      assert.equal(first.items.length, 2);
      assert.ok(first.next);
      const second = await c.engine.listLinks({ merchant: m.uuid, limit: 2, cursor: first.next });
      assert.equal(second.next, null);
      // Newest first: by creation time, then id for those created in the same millisecond.
      const newestFirst = [...created].sort((a, b) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
      );
      assert.deepEqual([...first.items, ...second.items], newestFirst.map(shown));
      await fails(c.engine.listLinks({ merchant: m.uuid, cursor: 'bogus' }), 'invalid', 'invalid_cursor');
      await fails(c.engine.listLinks({ merchant: m.uuid, limit: 0 }), 'invalid', 'invalid_limit');
    });

    c.test('refuses what get_link_payment refuses, with its code, and creates nothing', async () => {
      const { m } = await c.merchant();
      const other = await c.merchant();
      const refused: [Partial<CreateLinkInput>, ErrorKind, string][] = [
        [{ amount: '0' }, 'invalid', 'AMOUNT_001'],
        [{ paymentReference: '' }, 'invalid', 'MISSING_003'],
        [{ paymentReference: 'x'.repeat(65) }, 'invalid', 'LENGTH_003'],
        [{ consumerReference: '' }, 'invalid', 'MISSING_005'],
        [{ callbackUrl: 'ftp://shop.example/esipay' }, 'invalid', 'INVALID_007'],
        [{ email: '' }, 'invalid', 'MISSING_014'],
        [{ email: 'not-an-email' }, 'invalid', 'INVALID_014'],
        [{ phone: 'abc' }, 'invalid', 'INVALID_015'],
        [{ mode: 'weekly' as LinkMode }, 'invalid', 'invalid_mode'],
        [{ mode: 'multi_pay', extra: { pay_later: true } }, 'invalid', 'MODE_001'],
        [{ mode: 'multi_pay', extra: { payment_scenario: '13x' } }, 'invalid', 'MODE_002'],
        [{ mode: 'pay_later', extra: { payment_scenario: '3x' } }, 'invalid', 'MODE_002'],
        [{ extra: { payment_scenario: '3x' } }, 'invalid', 'MODE_002'],
        [{ mode: 'multi_pay', amount: '0.11', extra: { payment_scenario: '12x' } }, 'invalid', 'AMOUNT_003'],
        [{ extra: { beneficiary_reference: 'x'.repeat(33) } }, 'invalid', 'LENGTH_001'],
        [{ extra: { link_duration: 'a week' } }, 'invalid', 'INVALID_037'],
        [{ extra: { link_duration: 0 } }, 'invalid', 'DURATION_001'],
        [{ extra: { link_duration: 525_601 } }, 'invalid', 'DURATION_001'],
        [{ extra: { not_a_field: 1 } }, 'invalid', 'FORMAT_002'],
        [{ extra: { merchant_id: other.m.uuid } }, 'forbidden', 'AUTH_004'],
      ];
      for (const [over, kind, code] of refused) await fails(c.engine.createLink(linkInput(c, m, over)), kind, code);
      await fails(c.engine.createLink(linkInput(c, { uuid: '00000000-0000-4000-8000-000000000000' })), 'not_found', 'unknown_merchant');
      assert.deepEqual(await allLinks(c, m.uuid), []);

      const once = await c.engine.createLink(linkInput(c, m));
      await fails(c.engine.createLink(linkInput(c, m, { paymentReference: once.paymentReference })), 'conflict', 'EXIST_001');
      assert.deepEqual(await allLinks(c, m.uuid), [shown(once)]);
    });

    c.test("does not show a merchant another merchant's link, nor a link it never created", async () => {
      const owner = await c.merchant();
      const other = await c.merchant();
      const link = await c.engine.createLink(linkInput(c, owner.m));
      await fails(c.engine.getLink(link.id, other.m.uuid), 'not_found', 'LINK_001');
      assert.deepEqual(await allLinks(c, other.m.uuid), []);
      // The same payment_reference is another merchant's own.
      await c.engine.createLink(linkInput(c, other.m, { paymentReference: link.paymentReference }));

      await fails(c.engine.getLink('0123456789abcdef0123456789abcdef'), 'not_found', 'LINK_001');
      await fails(c.engine.getLink('not-a-link'), 'not_found', 'LINK_001');
      await fails(c.engine.listLinks({ merchant: '00000000-0000-4000-8000-000000000000' }), 'not_found', 'unknown_merchant');
    });
  },
};
