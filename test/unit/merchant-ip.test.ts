import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EsipayError } from '../../src/domain/errors.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { openStore } from '../../src/store/open-store.js';

const CARD = { number: '4111111111111111', month: '12', year: String(new Date().getUTCFullYear() + 1) };

describe('a merchant address, registered in one spelling and called from another', () => {
  let engine: LocalEngine;
  before(async () => {
    engine = await LocalEngine.create(await openStore(':memory:'), {
      // The return URL always answers 200: only the caller's address is under test.
      callbacks: { send: async () => ({ status: 200, ok: true, error: null }) },
    });
  });
  after(() => engine.close());

  const register = (ip: string) => engine.registerMerchant({ name: 'Boutique', ip, returnUrl: 'http://127.0.0.1:9/paid' });

  it('is stored in its canonical form', async () => {
    assert.equal((await register('0:0:0:0:0:0:0:1')).ip, '::1');
    assert.equal((await register('::FFFF:10.1.2.3')).ip, '10.1.2.3');
    assert.equal((await register('2001:DB8:0:0:0:0:0:7')).ip, '2001:db8::7');
  });

  it('accepts the calls from that address in any spelling and refuses other addresses', async () => {
    const expanded = await register('0:0:0:0:0:0:0:1');
    const paid = await engine.pay({ merchant: expanded.uuid, cid: 'v6', amount: '1.00', card: CARD, callerIp: '::1' });
    assert.equal(paid.status, 'PAID');
    const v4 = await register('10.1.2.3');
    const mapped = await engine.pay({ merchant: v4.uuid, cid: 'mapped', amount: '1.00', card: CARD, callerIp: '::ffff:10.1.2.3' });
    assert.equal(mapped.status, 'PAID');
    await assert.rejects(
      engine.pay({ merchant: v4.uuid, cid: 'other', amount: '1.00', card: CARD, callerIp: '10.1.2.4' }),
      (e: unknown) => e instanceof EsipayError && e.code === 'forbidden_ip',
    );
  });

  it('refuses an address with a zone id, or garbage, as invalid input', async () => {
    for (const ip of ['fe80::1%eth0', 'localhost', '1.2.3']) {
      await assert.rejects(register(ip), (e: unknown) => e instanceof EsipayError && e.code === 'invalid_ip' && e.kind === 'invalid', ip);
    }
  });
});
