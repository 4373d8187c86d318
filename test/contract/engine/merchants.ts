import assert from 'node:assert/strict';
import { verifySignature } from '../../../src/callback/signature.js';
import { card } from './cards.js';
import { fails } from './fails.js';
import type { UseCase } from './run-engine-contract.js';
import { initialInput, linkInput } from './seed-inputs.js';

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

    c.test('a payment after a change to its merchant follows the change: the new secret, the new return URL', async () => {
      const { m, r } = await c.merchant();
      await c.engine.pay(c.payInput(m));
      const rotated = await c.engine.rotateMerchantSecret(m.uuid, { expirePrevious: true });
      await c.engine.pay(c.payInput(m));
      assert.ok(verifySignature(r.received[1]!.body, String(r.received[1]!.headers['esipay-signature']), [rotated.secret]).ok);
      const elsewhere = await c.receiver();
      await c.engine.updateMerchant(m.uuid, { returnUrl: `${elsewhere.url}/paid` });
      assert.equal((await c.engine.pay(c.payInput(m))).status, 'PAID');
      assert.equal(r.received.length, 2, 'the old return URL is not called');
      assert.equal(elsewhere.received.length, 1);
    });

    c.test('updates the name, the IP (made canonical), the return and notification URLs; what is not given stays', async () => {
      const { m } = await c.merchant();
      const r2 = await c.receiver();
      const updated = await c.engine.updateMerchant(m.uuid, { name: ' Boutique Neuve ', returnUrl: `${r2.url}/new` });
      assert.equal(updated.name, 'Boutique Neuve');
      assert.equal(updated.returnUrl, `${r2.url}/new`);
      assert.equal(updated.ip, m.ip, 'not given: unchanged');
      assert.equal(updated.currency, m.currency);
      assert.equal(updated.createdAt, m.createdAt);
      assert.deepEqual(await c.engine.getMerchant(m.uuid), updated);

      await c.engine.pay(c.payInput(m));
      assert.equal(r2.received.length, 1, 'the payment result goes to the new return URL');
      assert.equal(r2.received[0]!.path, '/new');

      const withIpn = await c.engine.updateMerchant(m.uuid, { notificationUrl: `${r2.url}/ipn` });
      assert.equal(withIpn.notificationUrl, `${r2.url}/ipn`);
      assert.equal((await c.engine.updateMerchant(m.uuid, { notificationUrl: null })).notificationUrl, null, 'back to the return URL');

      const moved = await c.engine.updateMerchant(m.uuid, { ip: '::FFFF:203.0.113.7' });
      assert.equal(moved.ip, '203.0.113.7', 'an IPv4-mapped address is kept as its IPv4 form');
      assert.equal((await c.engine.updateMerchant(m.uuid, { ip: '2001:DB8:0:0::7' })).ip, '2001:db8::7');
    });

    c.test('refuses invalid updates, with the codes of registration, and changes nothing', async () => {
      const { m } = await c.merchant();
      await fails(c.engine.updateMerchant(m.uuid, { name: '' }), 'invalid', 'invalid_name');
      await fails(c.engine.updateMerchant(m.uuid, { name: 'a\nb' }), 'invalid', 'invalid_name');
      await fails(c.engine.updateMerchant(m.uuid, { ip: '300.1.1.1' }), 'invalid', 'invalid_ip');
      await fails(c.engine.updateMerchant(m.uuid, { returnUrl: 'ftp://127.0.0.1/x' }), 'invalid', 'invalid_return_url');
      await fails(c.engine.updateMerchant(m.uuid, { notificationUrl: 'not a url' }), 'invalid', 'invalid_notification_url');
      await fails(c.engine.updateMerchant(m.uuid, {}), 'invalid', 'nothing_to_update');
      await fails(c.engine.updateMerchant('00000000-0000-4000-8000-000000000000', { name: 'x' }), 'not_found', 'unknown_merchant');
      const { secret: _secret, ...view } = m;
      assert.deepEqual(await c.engine.getMerchant(m.uuid), view);
    });

    c.test(
      'disables a merchant: every new payment, initial, shipment, refund and link is refused; its history stays readable',
      async () => {
        const { m } = await c.merchant();
        const paid = await c.engine.pay(c.payInput(m));
        const init = await c.engine.createInitial(initialInput(c, m));
        const link = await c.engine.createLink(linkInput(c, m));

        const disabled = await c.engine.disableMerchant(m.uuid);
        assert.equal(disabled.status, 'disabled');
        assert.ok(disabled.disabledAt);
        assert.deepEqual(await c.engine.getMerchant(m.uuid), disabled);
        assert.equal((await c.allMerchants()).find((x) => x.uuid === m.uuid)?.status, 'disabled');
        assert.deepEqual(await c.engine.disableMerchant(m.uuid), disabled, 'disabling again changes nothing');

        await fails(c.engine.pay(c.payInput(m)), 'forbidden', 'merchant_disabled');
        await fails(c.engine.refund({ transaction: paid.id, amount: '1.00' }), 'forbidden', 'merchant_disabled');
        await fails(c.engine.createInitial(initialInput(c, m)), 'forbidden', 'merchant_disabled');
        await fails(c.engine.createShipment({ merchant: m.uuid, initial: init.id, amount: '10.00' }), 'forbidden', 'merchant_disabled');
        await fails(c.engine.createLink(linkInput(c, m)), 'forbidden', 'merchant_disabled');

        assert.equal((await c.engine.getTransaction(paid.id, m.uuid)).status, 'PAID');
        assert.equal((await c.engine.getTransaction(init.id)).shipped, 0, 'nothing was shipped');
        assert.deepEqual(
          (await c.allTransactions(m.uuid)).map((t) => t.id).sort(),
          [paid.id, init.id].sort(),
          'nothing was recorded while disabled',
        );
        assert.equal((await c.engine.merchantTotals(m.uuid)).paid, '7412');
        assert.deepEqual(
          (await c.engine.listLinks({ merchant: m.uuid })).items.map((l) => l.id),
          [link.id],
        );
        assert.equal((await c.engine.getLink(link.id, m.uuid)).id, link.id);

        const enabled = await c.engine.enableMerchant(m.uuid);
        assert.equal(enabled.status, 'active');
        assert.equal(enabled.disabledAt, null);
        assert.equal((await c.engine.pay(c.payInput(m))).status, 'PAID');
        assert.equal((await c.engine.refund({ transaction: paid.id, amount: '1.00' })).refund.amount, 100);
      },
    );

    c.test('disable and enable refuse a merchant they do not know', async () => {
      await fails(c.engine.disableMerchant('00000000-0000-4000-8000-000000000000'), 'not_found', 'unknown_merchant');
      await fails(c.engine.enableMerchant('00000000-0000-4000-8000-000000000000'), 'not_found', 'unknown_merchant');
    });

    c.test(
      'rotates the secret with expirePrevious: callbacks are signed with the new one only, the old one no longer verifies',
      async () => {
        const { m, r } = await c.merchant();
        const first = await c.engine.rotateMerchantSecret(m.uuid);
        const rotated = await c.engine.rotateMerchantSecret(m.uuid, { expirePrevious: true });
        assert.notEqual(rotated.secret, first.secret);
        await c.engine.pay(c.payInput(m, { card: card() }));
        const cb = r.received[0]!;
        const header = String(cb.headers['esipay-signature']);
        assert.ok(verifySignature(cb.body, header, [rotated.secret]).ok, 'verifies with the new secret');
        assert.equal(verifySignature(cb.body, header, [first.secret]).ok, false, 'the previous secret no longer verifies');
        assert.equal(header.split(',').filter((p) => p.startsWith('v1=')).length, 1, 'one signature: one active secret');
      },
    );

    c.test('gives each merchant an 8-digit shop number of its own (the V4 shop id), kept across a secret rotation', async () => {
      const [a, b] = [(await c.merchant()).m, (await c.merchant()).m];
      assert.match(a.shopId ?? '', /^[1-9]\d{7}$/);
      assert.notEqual(a.shopId, b.shopId);
      assert.equal((await c.engine.getMerchant(a.uuid)).shopId, a.shopId);
      assert.equal((await c.engine.rotateMerchantSecret(a.uuid)).shopId, a.shopId);
    });
  },
};
