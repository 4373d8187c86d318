import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import type { TransactionView } from '../../src/domain/types.js';
import { RemoteEngine } from '../../src/engine/remote/remote-engine.js';
import { App } from '../../src/tui/App.js';
import { DashboardController } from '../../src/tui/model/controller.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { KEY, waitFor } from './helpers.js';

/** Each answer crosses HTTP to a child process: more room than in-process, still no sleeps. */
const SETTLE_MS = 15_000;

/**
 * The dashboard as a user drives it over the remote engine: a RemoteEngine with the operator
 * token, talking to a real `esipay serve` child process on loopback over a temporary SQLite file.
 * The merchant and its payments are made through the remote engine (the return URL a loopback
 * receiver answering 200), so every row on screen came back over the wire.
 */
describe('esipay tui app on the remote engine', () => {
  let dir: string;
  let receiver: Receiver;
  let serve: ServeProcess;
  let engine: RemoteEngine;
  let merchant: string;
  /** Newest first, as the dashboard lists them. */
  const payments: TransactionView[] = [];
  const controllers: DashboardController[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'esipay-tui-remote-'));
    receiver = await startReceiver(200);
    serve = await startServe({ db: join(dir, 'esipay.db'), args: ['--quiet'] });
    engine = new RemoteEngine({ url: serve.url, token: serve.token });
    merchant = (await engine.registerMerchant({ name: 'Boutique', ip: '127.0.0.1', returnUrl: `${receiver.url}/paid` })).uuid;
    for (const [i, amount] of ['74.12', '20.00', '11.00'].entries()) {
      payments.unshift(
        await engine.pay({ merchant, cid: `order-${i + 1}`, amount, card: { number: '4111111111111111', month: '12', year: '2030' } }),
      );
    }
  });
  after(async () => {
    await engine?.close();
    const exit = await serve?.stop();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(exit?.code, 0, `esipay serve did not stop cleanly:\n${serve?.stderr()}`);
  });
  afterEach(async () => {
    for (const c of controllers.splice(0)) {
      c.stop();
      await c.idle();
    }
    cleanup();
  });

  async function open() {
    const controller = new DashboardController({ engine, pageSize: 5, pollMs: 0 });
    controllers.push(controller);
    const ui = render(<App controller={controller} />);
    await controller.start(merchant);
    const frame = () => ui.lastFrame() ?? '';
    const until = (what: string, test: (f: string) => boolean) => waitFor(what, () => test(frame()), frame, SETTLE_MS);
    await until('the first rows', (f) => f.includes('order-3'));
    const select = async (cid: string) => {
      while (controller.selectedTx()?.cid !== cid) {
        if (!controller.getState().entries.some((e) => e.tx.cid === cid)) throw new Error(`${cid} is not listed:\n${frame()}`);
        ui.stdin.write('j');
        await new Promise((r) => setImmediate(r));
      }
    };
    return { frame, until, select, press: (keys: string) => ui.stdin.write(keys) };
  }

  const rowOf = (frame: string, cid: string) => frame.split('\n').find((l) => new RegExp(` ${cid} `).test(l)) ?? '';
  const idOf = (cid: string) => payments.find((p) => p.cid === cid)!.id;

  it('lists the payments newest first with their remaining balances, and names the remote URL as the engine', async () => {
    const { frame, until } = await open();
    await until('the totals', (f) => f.includes('paid '));
    const f = frame();
    assert.match(f, /Boutique/);
    assert.ok(f.includes(`· remote ${serve.url}`), `the header names the service:\n${f}`);
    assert.match(f, /paid 105\.12 EUR {2}refunded 0\.00 EUR {2}net 105\.12 EUR {2}to ship 0\.00 EUR {2}· 3 transactions/);
    const rows = f.split('\n').filter((l) => /order-\d /.test(l));
    assert.deepEqual(
      rows.map((l) => /order-\d/.exec(l)![0]),
      ['order-3', 'order-2', 'order-1'],
    );
    assert.match(rows[0]!, new RegExp(`${idOf('order-3').slice(-8)} .*card +PAID +11\\.00 EUR +0\\.00 EUR +11\\.00 EUR`));
    assert.match(rows[2]!, new RegExp(`${idOf('order-1').slice(-8)} .*card +PAID +74\\.12 EUR +0\\.00 EUR +74\\.12 EUR`));
  });

  it('refunds part of a payment with r after a confirmation, and shows the new remaining balance', async () => {
    const { frame, until, select, press } = await open();
    await select('order-1');
    press('r');
    await until('the amount prompt', (f) => f.includes('74.12 EUR remains. Amount in EUR (empty: all):'));
    press('10.00' + KEY.enter);
    await until('the confirmation', (f) => f.includes('Remaining after: 64.12 EUR'));
    assert.match(frame(), /Refund 10\.00 EUR on [0-9a-f]{32}\? Remaining after: 64\.12 EUR {2}\[y\/N\]/);
    press('y');
    await until('the outcome', (f) => f.includes(`Refunded 10.00 EUR on ${idOf('order-1')}: 64.12 EUR remains`));
    assert.match(rowOf(frame(), 'order-1'), /PARTIALLY_REFUNDED +74\.12 EUR +10\.00 EUR +64\.12 EUR/);
    await until('the totals after the refund', (f) => f.includes('refunded 10.00 EUR  net 95.12 EUR'));
    // What the service recorded, read back over the wire.
    const stored = await engine.getTransaction(idOf('order-1'), merchant);
    assert.equal(stored.remaining, 6412);
    assert.deepEqual(
      stored.refunds.map((r) => r.amount),
      [1000],
    );
  });

  it("shows the service's refusal of a refund over what remains, keeps running, and shows the row as it is", async () => {
    const { frame, until, select, press } = await open();
    await select('order-2');
    press('r');
    await until('the amount prompt', (f) => f.includes('20.00 EUR remains'));
    press('15.00' + KEY.enter);
    await until('the confirmation', (f) => f.includes('Remaining after: 5.00 EUR'));
    // Another operator refunds 10.00 of it meanwhile: 15.00 no longer fits.
    const other = new RemoteEngine({ url: serve.url, token: serve.token });
    try {
      await other.refund({ transaction: idOf('order-2'), amount: '10.00', merchant });
    } finally {
      await other.close();
    }
    press('y');
    await until('the refusal', (f) => f.includes(`cannot refund 15.00 EUR: only 10.00 EUR remains on ${idOf('order-2')}`));
    await until('the row refreshed', (f) => /PARTIALLY_REFUNDED +20\.00 EUR +10\.00 EUR +10\.00 EUR/.test(rowOf(f, 'order-2')));
    assert.ok(!frame().includes('Refunded 15.00'));
    assert.equal((await engine.getTransaction(idOf('order-2'), merchant)).remaining, 1000, 'nothing more was refunded');
    // Still alive and usable: the next refund of what really remains goes through.
    press('r');
    await until('the amount prompt again', (f) => f.includes('10.00 EUR remains. Amount in EUR (empty: all):'));
    press(KEY.enter);
    await until('the confirmation of all of it', (f) => f.includes('Remaining after: 0.00 EUR'));
    press('y');
    await until('the full refund', (f) => f.includes(`Refunded 10.00 EUR on ${idOf('order-2')}: 0.00 EUR remains`));
    assert.match(rowOf(frame(), 'order-2'), /card +REFUNDED +20\.00 EUR +20\.00 EUR +0\.00 EUR/);
  });
});
