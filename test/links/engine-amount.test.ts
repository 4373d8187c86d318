import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CreateLinkInput } from '../../src/engine/engine.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { openStore } from '../../src/store/open-store.js';

/** The Engine's createLink takes its amount like pay and refund do: a decimal in the merchant's currency. */
describe("createLink: the amount is a decimal in the merchant's currency", () => {
  let dir: string;
  let engine: LocalEngine;
  let seq = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'esipay-link-amount-'));
    engine = await LocalEngine.create(await openStore(join(dir, 'esipay.db')), { notifiers: {}, publicUrl: 'https://pay.example' });
  });
  after(async () => {
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function create(currency: string, amount: unknown) {
    const m = await engine.registerMerchant({ name: `Boutique ${++seq}`, ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:9/r', currency });
    return engine.createLink({
      merchant: m.uuid,
      amount: amount as CreateLinkInput['amount'],
      paymentReference: `F-${seq}`,
      consumerReference: 'c-1',
      callbackUrl: 'https://shop.example/cb',
      email: 'client@example.fr',
      phone: '0600000000',
    });
  }

  it("reads it with the currency's decimals; the link holds minor units", async () => {
    assert.deepEqual(await create('EUR', '74.12').then((v) => [v.amount, v.currency]), [7412, 'EUR']);
    assert.deepEqual(await create('JPY', '500').then((v) => [v.amount, v.currency]), [500, 'JPY']);
    assert.deepEqual(await create('KWD', '1.234').then((v) => [v.amount, v.currency]), [1234, 'KWD']);
  });

  it('refuses a malformed decimal, too many decimals, zero, and a number (minor units are for get_link_payment)', async () => {
    for (const [amount, code] of [
      ['1,00', 'invalid_amount'],
      ['1.234', 'invalid_amount'],
      ['', 'invalid_amount'],
      [10000, 'invalid_amount'],
      // Zero is get_link_payment's own AMOUNT_001: the same mistake gets the same code on every way in.
      ['0.00', 'AMOUNT_001'],
    ] as const) {
      await assert.rejects(create('EUR', amount), (e: { code?: string; message?: string }) => {
        assert.equal(e.code, code, `${JSON.stringify(amount)}: ${e.message}`);
        return true;
      });
    }
  });
});
