import assert from 'node:assert/strict';
import { verifySignature } from '../../../src/callback/signature.js';
import { fails } from './fails.js';
import type { UseCase } from './run-engine-contract.js';

/** Registering, showing, listing merchants and rotating their secret. */
export const merchants: UseCase = {
  name: 'merchants',
  cases(c) {
    c.test('registers a merchant, shows it and lists it, the secret only at registration', async () => {
      const r = await c.receiver();
      const m = await c.engine.registerMerchant({
        name: '  Boutique Rive Gauche ',
        ip: c.subject.merchantIp,
        returnUrl: `${r.url}/paid`,
        currency: 'EUR',
      });
      assert.match(m.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.match(m.secret, /^whsec_/);
      assert.equal(m.name, 'Boutique Rive Gauche');
      assert.equal(m.currency, 'EUR');
      assert.equal(m.returnUrl, `${r.url}/paid`);
      const shown = await c.engine.getMerchant(m.uuid);
      const { secret: _secret, ...view } = m;
      assert.deepEqual(shown, view);
      assert.ok(!('secret' in shown));
      const listed = (await c.allMerchants()).find((x) => x.uuid === m.uuid);
      assert.deepEqual(listed, view);
    });

    c.test('lists merchants oldest first, in pages joined by cursors', async () => {
      const registered = [(await c.merchant()).m, (await c.merchant()).m, (await c.merchant()).m];
      // Oldest first: by creation time, then uuid for those created in the same millisecond.
      const mine = registered
        .sort((a, b) => (a.createdAt === b.createdAt ? (a.uuid < b.uuid ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1))
        .map((m) => m.uuid);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await c.engine.listMerchants({ limit: 2, ...(cursor ? { cursor } : {}) });
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

    c.test('refuses invalid registrations and registers nothing', async () => {
      const r = await c.receiver();
      const ok = { name: 'Shop', ip: c.subject.merchantIp, returnUrl: `${r.url}/paid` };
      const before = (await c.allMerchants()).length;
      await fails(c.engine.registerMerchant({ ...ok, name: '' }), 'invalid', 'invalid_name');
      await fails(c.engine.registerMerchant({ ...ok, name: 'x'.repeat(101) }), 'invalid', 'invalid_name');
      await fails(c.engine.registerMerchant({ ...ok, ip: '300.1.1.1' }), 'invalid', 'invalid_ip');
      await fails(c.engine.registerMerchant({ ...ok, ip: 'localhost' }), 'invalid', 'invalid_ip');
      await fails(c.engine.registerMerchant({ ...ok, returnUrl: 'not a url' }), 'invalid', 'invalid_return_url');
      await fails(c.engine.registerMerchant({ ...ok, returnUrl: 'ftp://127.0.0.1/x' }), 'invalid', 'invalid_return_url');
      await fails(c.engine.registerMerchant({ ...ok, currency: 'EURO' }), 'invalid', 'invalid_currency');
      await fails(c.engine.registerMerchant({ ...ok, currency: 'XYZ' }), 'invalid', 'invalid_currency');
      assert.equal((await c.allMerchants()).length, before);
    });

    c.test('does not know a merchant it never registered', async () => {
      await fails(c.engine.getMerchant('00000000-0000-4000-8000-000000000000'), 'not_found', 'unknown_merchant');
      await fails(c.engine.getMerchant('not/a/uuid'), 'not_found', 'unknown_merchant');
      await fails(c.engine.rotateMerchantSecret('00000000-0000-4000-8000-000000000000'), 'not_found', 'unknown_merchant');
      await fails(c.engine.listTransactions({ merchant: '00000000-0000-4000-8000-000000000000' }), 'not_found', 'unknown_merchant');
      await fails(c.engine.merchantTotals('00000000-0000-4000-8000-000000000000'), 'not_found', 'unknown_merchant');
    });

    c.test('rotates the secret: callbacks are signed with the new one, and still verify with the previous one', async () => {
      const { m, r } = await c.merchant();
      const rotated = await c.engine.rotateMerchantSecret(m.uuid);
      assert.notEqual(rotated.secret, m.secret);
      assert.equal(rotated.uuid, m.uuid);
      await c.engine.pay(c.payInput(m));
      const cb = r.received[0]!;
      const header = String(cb.headers['esipay-signature']);
      assert.ok(verifySignature(cb.body, header, [rotated.secret]).ok, 'verifies with the new secret');
      assert.ok(verifySignature(cb.body, header, [m.secret]).ok, 'still verifies with the previous secret');
    });
  },
};
