import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MerchantWithSecret } from '../../src/domain/types.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { openStore } from '../../src/store/open-store.js';
import { DAY_MS } from '../../src/util/clock.js';

/**
 * A failed instalment on the default simulated acquirer, with nothing scripted: a test card that
 * is approved on the page and refuses (or fails) every later debit. The scheduled-debit run
 * retries it daily, then it fails for good and url_callback is told (link.debit, status failed).
 * The clock is the test's, so the days pass without waiting.
 */
describe('failed instalments on the later-failure test cards', () => {
  let dir: string;
  let engine: LocalEngine;
  let m: MerchantWithSecret;
  let now = new Date('2027-03-10T09:00:00.000Z');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'esipay-failed-instalment-'));
    engine = await LocalEngine.create(await openStore(join(dir, 'esipay.db')), { clock: () => now, publicUrl: 'http://127.0.0.1:1' });
    m = await engine.registerMerchant({ name: 'Boutique', ip: '127.0.0.1', returnUrl: 'http://127.0.0.1:1/r' });
  });
  after(async () => {
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let seq = 0;
  async function paidLink(mode: 'multi_pay' | 'pay_later', scenario: string, card: string) {
    const view = await engine.createLink({
      merchant: m.uuid,
      amount: '100.00',
      paymentReference: `inv-${++seq}`,
      consumerReference: 'c-42',
      callbackUrl: 'http://127.0.0.1:1/cb',
      email: 'a@b.fr',
      phone: '0600000000',
      mode,
      extra: { payment_scenario: scenario },
    });
    const opened = await engine.links.openLink(new URL(view.link!).searchParams.get('SDESSID')!);
    assert.ok(opened);
    const paid = await engine.links.payLink(opened, { number: card, expiry: '12/40' });
    assert.ok(paid.ok, JSON.stringify(paid));
    return { view, paid };
  }

  /** Runs the due debits once a day for `days` days; what each run reported. */
  async function runDaily(days: number) {
    const reports = [];
    for (let d = 0; d < days; d++) {
      now = new Date(now.getTime() + DAY_MS);
      reports.push(await engine.links.runDueDebits());
    }
    return reports;
  }

  const debitEvents = async (linkId: string) =>
    (await engine.store.listOutbox({ merchantId: m.uuid, topic: 'link_callback', limit: 100 }))
      .map((o) => JSON.parse(o.body))
      .filter((b) => b.link === linkId && b.event === 'link.debit');

  it('4000000000000341: the first instalment is paid on the page, the second is declined 3 times and fails', async () => {
    const { view, paid } = await paidLink('multi_pay', '2x', '4000000000000341');
    assert.equal(paid.transaction.status, 'PAID');
    assert.equal(paid.transaction.amount, 5000);
    now = new Date(paid.debits[1]!.dueAt);
    assert.deepEqual(await engine.links.runDueDebits(), { paid: 0, retried: 1, failed: 0 });
    assert.deepEqual(await runDaily(2), [
      { paid: 0, retried: 1, failed: 0 },
      { paid: 0, retried: 0, failed: 1 },
    ]);
    const shown = await engine.getLink(view.id, m.uuid);
    assert.deepEqual(
      shown.schedule?.map((d) => [d.seq, d.status]),
      [
        [1, 'paid'],
        [2, 'failed'],
      ],
    );
    const [event] = await debitEvents(view.id);
    assert.equal(event.debit.status, 'failed');
    assert.equal(event.debit.attempts, 3);
    assert.match(event.debit.error, /declined: card_declined/);
    assert.equal(event.transaction.status, 'DECLINED');
  });

  it('4000000000000366: a pay_later card verified on the page whose debit fails technically, 3 times, then for good', async () => {
    const { view, paid } = await paidLink('pay_later', '1d', '4000000000000366');
    assert.equal(paid.transaction.status, 'AUTHORISED', 'the card check is approved');
    assert.deepEqual(await runDaily(3), [
      { paid: 0, retried: 1, failed: 0 },
      { paid: 0, retried: 1, failed: 0 },
      { paid: 0, retried: 0, failed: 1 },
    ]);
    const [event] = await debitEvents(view.id);
    assert.equal(event.debit.status, 'failed');
    assert.match(event.debit.error, /the acquirer failed: acquirer_error/);
    assert.equal(event.transaction.status, 'FAILED');
  });
});
