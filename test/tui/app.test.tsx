import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/App.js';
import { DashboardController } from '../../src/tui/model/controller.js';
import { KEY, type SeededEngine, seededEngine, stopAll, waitFor } from './helpers.js';

/**
 * The dashboard as a user drives it, against a real LocalEngine over a temporary SQLite file
 * (payments made through the engine, the merchant's return URL a loopback server answering 200).
 * ink-testing-library's terminal is 100 columns wide, so ids show their first 8 characters.
 */
describe('esipay tui app', () => {
  let s: SeededEngine;
  const controllers: DashboardController[] = [];

  before(async () => {
    // order-1 … order-12, oldest first; order-1 is 74.12.
    s = await seededEngine(['74.12', ...Array.from({ length: 11 }, (_, i) => `${i + 1}.00`)]);
  });
  after(async () => {
    await s.cleanup();
  });
  afterEach(() => stopAll(controllers, cleanup));

  async function open(opts: { pageSize?: number; pollMs?: number } = {}) {
    const controller = new DashboardController({ engine: s.engine, pageSize: opts.pageSize ?? 5, pollMs: opts.pollMs ?? 0 });
    controllers.push(controller);
    const ui = render(<App controller={controller} />);
    await controller.start(s.merchant);
    const frame = () => ui.lastFrame() ?? '';
    const until = (what: string, test: (f: string) => boolean) => waitFor(what, () => test(frame()), frame);
    await until('the first rows', (f) => f.includes('order-12'));
    return { ui, controller, frame, until, press: (keys: string) => ui.stdin.write(keys) };
  }

  const idOf = (cid: string) => s.payments.find((p) => p.cid === cid)!.id;

  it('lists the newest transactions first, with the merchant, the engine and the totals', async () => {
    const { frame, until } = await open();
    await until('the totals', (f) => f.includes('paid '));
    const f = frame();
    assert.match(f, /Boutique/);
    assert.match(f, /· local sqlite \//);
    assert.match(f, /paid 140\.12 EUR {2}refunded 0\.00 EUR {2}net 140\.12 EUR {2}to ship 0\.00 EUR {2}· 12 transactions/);
    const rows = f.split('\n').filter((l) => /order-\d+/.test(l));
    assert.deepEqual(
      rows.slice(0, 3).map((l) => /order-\d+/.exec(l)![0]),
      ['order-12', 'order-11', 'order-10'],
    );
    assert.match(rows[0]!, new RegExp(`${idOf('order-12').slice(-8)} .*card +PAID +11\\.00 EUR +0\\.00 EUR +11\\.00 EUR`));
    assert.match(f, /↑↓\/j\/k move {2}PgUp\/PgDn page.*\/ filter {2}enter detail {2}r refund {2}s ship {2}m merchant {2}q quit/);
  });

  it('pages down to the oldest transaction, reading five at a time', async () => {
    const { frame, until, press, controller } = await open({ pageSize: 5 });
    assert.ok(!frame().includes('order-1 '), 'the oldest is not read yet');
    for (let i = 0; i < 4; i++) press(KEY.pageDown);
    await until('the oldest row', (f) => / order-1 /.test(f));
    press(KEY.down);
    await waitFor('the selection on order-1', () => controller.selectedTx()?.cid === 'order-1', frame);
    press(KEY.pageUp + KEY.pageUp + KEY.pageUp);
    await waitFor('the selection back on top', () => controller.selectedTx()?.cid === 'order-12', frame);
  });

  it('filters by amount, and an empty filter shows everything again', async () => {
    const { frame, until, press } = await open();
    press('/');
    await until('the filter line', (f) => f.includes('filter /'));
    press('74.12');
    press(KEY.enter);
    await until('only order-1', (f) => f.includes('order-1 ') && !f.includes('order-12'));
    assert.match(frame(), /filter "74\.12"/);
    press('/');
    await until('the filter line', (f) => f.includes('filter / 74.12'));
    press(KEY.backspace.repeat(5) + KEY.enter);
    await until('every row again', (f) => f.includes('order-12') && !f.includes('filter "'));
  });

  it('opens the detail pane with the card, refunds and the callback outcome', async () => {
    const { until, press } = await open();
    press(KEY.enter);
    await until('the detail', (f) => f.includes('callback HTTP 200'));
    await until('the card and refunds', (f) => f.includes('card visa 411111…1111') && f.includes('refunds: none'));
    press(KEY.escape);
    await until('the pane closed', (f) => !f.includes('── detail'));
  });

  it('refunds part of a payment after a confirmation that shows the remaining balance after it', async () => {
    const { frame, until, press, controller } = await open();
    press('/');
    press('order-1' + KEY.enter); // matches order-1, order-10, order-11, order-12
    await until('the filtered list', (f) => f.includes('filter "order-1"') && f.includes('order-1 '));
    while (controller.selectedTx()?.cid !== 'order-1') {
      press('j');
      await new Promise((r) => setImmediate(r));
    }
    press('r');
    await until('the amount prompt', (f) => f.includes('74.12 EUR remains. Amount in EUR (empty: all):'));
    press('10.0');
    press('0');
    press(KEY.enter);
    await until('the confirmation', (f) => f.includes('Remaining after: 64.12 EUR'));
    assert.match(frame(), /Refund 10\.00 EUR on [0-9a-f]{32}\? Remaining after: 64\.12 EUR {2}\[y\/N\]/);
    press('y');
    await until('the outcome', (f) => f.includes('Refunded 10.00 EUR on') && f.includes('64.12 EUR remains'));
    const row = frame()
      .split('\n')
      .find((l) => / order-1 /.test(l))!;
    assert.match(row, /PARTIALLY_REFUNDED +74\.12 EUR +10\.00 EUR +64\.12 EUR/);
    await until('the totals after the refund', (f) => f.includes('refunded 10.00 EUR'));
    assert.equal((await s.engine.getTransaction(idOf('order-1'))).remaining, 6412);
  });

  it("shows the engine's refusal when a refund no longer fits, and the row as it really is", async () => {
    const { frame, until, press } = await open();
    const target = idOf('order-12'); // the newest, selected first
    await s.engine.refund({ transaction: target }); // behind the dashboard's back
    press('r');
    await until('the amount prompt', (f) => f.includes('11.00 EUR remains'));
    press('5.00' + KEY.enter);
    await until('the confirmation', (f) => f.includes('Remaining after: 6.00 EUR'));
    press('y');
    await until('the refusal', (f) => f.includes('cannot refund 5.00 EUR: only 0.00 EUR remains on'));
    await until('the row refreshed', (f) => /order-12 +card +REFUNDED/.test(f));
    assert.ok(!frame().includes('Refunded 5.00'));
  });

  it('refuses a typed amount above what remains before asking the engine, and esc leaves the prompt', async () => {
    const { until, press } = await open();
    press('j'); // order-11, 10.00
    press('r');
    await until('the amount prompt', (f) => f.includes('10.00 EUR remains'));
    press('10.01' + KEY.enter);
    await until('the error under the prompt', (f) => f.includes('10.01 EUR is more than the 10.00 EUR that remains to refund'));
    press('x');
    await until('the error gone while typing', (f) => !f.includes('is more than'));
    press(KEY.escape);
    await until('back to the list', (f) => f.includes('r refund  s ship'));
  });

  it('shows a new payment without a restart and keeps the selection on the same transaction', async () => {
    const { until, press, controller, frame } = await open({ pollMs: 30 });
    press('j'.repeat(2));
    await waitFor('the selection on order-10', () => controller.selectedTx()?.cid === 'order-10', frame);
    const paid = await s.engine.pay({
      merchant: s.merchant,
      cid: 'order-live',
      amount: '3.21',
      card: { number: '4111111111111111', month: '12', year: '2030' },
    });
    await until('the new payment', (f) => f.includes(paid.id.slice(-8)));
    assert.equal(controller.selectedTx()?.cid, 'order-10');
    await until('the totals with it', (f) => f.includes('13 transactions'));
    s.payments.unshift(paid);
  });

  it('follows the terminal when it is resized', async () => {
    const { ui, until } = await open();
    const id = s.payments[0]!.id;
    Object.defineProperty(ui.stdout, 'columns', { configurable: true, get: () => 160 });
    ui.stdout.emit('resize');
    await until('full ids at 160 columns', (f) => f.includes(id));
    Object.defineProperty(ui.stdout, 'columns', { configurable: true, get: () => 70 });
    ui.stdout.emit('resize');
    await until('short ids at 70 columns', (f) => !f.includes(id) && f.includes(id.slice(-8)));
  });

  it('switches merchant with m', async () => {
    const other = await s.engine.registerMerchant({ name: 'Librairie', ip: '127.0.0.1', returnUrl: `${s.receiver.url}/paid` });
    const { until, press } = await open();
    press('m');
    await until('the picker', (f) => f.includes('choose a merchant') && f.includes('Librairie'));
    press('j' + KEY.enter);
    await until('the other merchant', (f) => f.includes(`Librairie ${other.uuid}`) && f.includes('no transactions yet'));
  });

  it('ships against an initial authorisation, and the shipment appears under it', async () => {
    const initial = await s.engine.createInitial({
      merchant: s.merchant,
      amount: '100.00',
      currency: 'EUR',
      orderId: 'cmd-ship',
      card: { number: '4111111111111111', month: '12', year: '2030' },
    });
    const { until, press, controller, frame } = await open();
    await waitFor('the initial selected', () => controller.selectedTx()?.id === initial.id, frame);
    press('s');
    await until('the ship prompt', (f) => f.includes('100.00 EUR left to ship'));
    press('20.00' + KEY.enter);
    await until('the confirmation', (f) => f.includes('Ship 20.00 EUR against') && f.includes('Left to ship after: 80.00 EUR'));
    press('y');
    await until('the outcome', (f) => f.includes('Shipped 20.00 EUR against') && f.includes('80.00 EUR left to ship'));
    await until('the shipment under it', (f) => /└ [0-9a-f]{8} +cmd-ship +shipment +PAID +20\.00 EUR/.test(f));
    assert.match(frame(), /cmd-ship +initial +AUTHORISED +100\.00 EUR +– +80\.00 EUR/);
  });

  it('q quits', async () => {
    const { press, controller, ui } = await open({ pollMs: 20 });
    press('q');
    await waitFor(
      'the app to stop',
      () => ui.frames.length > 0 && (controller as unknown as { stopped: boolean }).stopped,
      () => ui.lastFrame(),
    );
  });
});
