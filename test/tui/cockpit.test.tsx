import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import type { Engine } from '../../src/engine/engine.js';
import { App } from '../../src/tui/App.js';
import { DashboardController } from '../../src/tui/model/controller.js';
import { engineSource } from '../../src/tui/model/engine-source.js';
import { facetsOf } from '../../src/tui/model/facets.js';
import { KEY, type SeededEngine, seededEngine, stopAll, waitFor } from './helpers.js';

const CARD = { number: '4111111111111111', month: '12', year: '2030' };
const DAY = 24 * 3600 * 1000;
const CTRL_U = '\u0015';
const CTRL_W = '\u0017';
const END = '\u001B[F';
const HOME = '\u001B[H';

/**
 * The dashboard's newer keys and views as a user drives them, against a real LocalEngine over a
 * temporary SQLite file: the width-adapted columns, the confirmation only y sends, the filter's
 * words and editing keys, the help overlay, G/End, the order by amount, the date ranges, the
 * facets, the chart, what the statuses say, and a stale error that clears.
 */
describe('esipay tui cockpit', () => {
  let s: SeededEngine;
  /** Moves the engine's clock: payments are made on other days. */
  let offset = 0;
  const clock = () => new Date(Date.now() - offset);
  const controllers: DashboardController[] = [];

  before(async () => {
    // order-1 … order-12, oldest first; order-1 is 74.12, order-2 74.00. They are made 40 days
    // ago (order-1), 10 days ago (order-2), 3 days ago (order-3) and today (the rest).
    s = await seededEngine([], { clock });
    const amounts = ['74.12', '74.00', ...Array.from({ length: 10 }, (_, i) => `${i + 1}.00`)];
    for (const [i, amount] of amounts.entries()) {
      offset = i === 0 ? 40 * DAY : i === 1 ? 10 * DAY : i === 2 ? 3 * DAY : 0;
      s.payments.unshift(await s.engine.pay({ merchant: s.merchant, cid: `order-${i + 1}`, amount, card: CARD }));
    }
    offset = 0;
    await s.engine.refund({ transaction: s.payments.find((p) => p.cid === 'order-5')!.id }); // 3.00, all of it
  });
  after(async () => {
    await s.cleanup();
  });
  afterEach(() => stopAll(controllers, cleanup));

  async function open(opts: { engine?: Engine; pollMs?: number; columns?: number; rows?: number; sampleRows?: number } = {}) {
    const engine = opts.engine ?? s.engine;
    const controller = new DashboardController({
      engine,
      pageSize: 5,
      pollMs: opts.pollMs ?? 0,
      now: clock,
      ...(opts.sampleRows ? { source: engineSource(engine, { sampleRows: opts.sampleRows }) } : {}),
    });
    controllers.push(controller);
    const ui = render(<App controller={controller} />);
    const resize = (columns: number, rows: number) => {
      Object.defineProperty(ui.stdout, 'columns', { configurable: true, get: () => columns });
      Object.defineProperty(ui.stdout, 'rows', { configurable: true, get: () => rows });
      ui.stdout.emit('resize');
    };
    if (opts.columns) resize(opts.columns, opts.rows ?? 24);
    await controller.start(s.merchant);
    const frame = () => ui.lastFrame() ?? '';
    const until = (what: string, test: (f: string) => boolean) => waitFor(what, () => test(frame()), frame);
    await until('the first rows', (f) => f.includes('order-12') || f.includes(idOf('order-12').slice(-8)));
    const select = async (cid: string) => {
      while (controller.selectedTx()?.cid !== cid) {
        if (!controller.getState().entries.some((e) => e.tx.cid === cid)) throw new Error(`${cid} is not listed:\n${frame()}`);
        ui.stdin.write('j');
        await new Promise((r) => setImmediate(r));
      }
    };
    return { ui, controller, frame, until, select, resize, press: (keys: string) => ui.stdin.write(keys) };
  }

  const idOf = (cid: string) => s.payments.find((p) => p.cid === cid)!.id;
  const rowOf = (frame: string, cid: string) => frame.split('\n').find((l) => l.includes(idOf(cid).slice(-8))) ?? '';

  it('keeps remaining, amount and status on screen at 60×20 and 80×24, and gives more to 120 and 200 columns', async () => {
    const { frame, until, resize } = await open({ columns: 80, rows: 24 });
    await until('the counts', (f) => f.includes('12 transactions:'));
    const check = (columns: number, rows: number) => {
      const f = frame();
      const lines = f.split('\n');
      assert.ok(lines.length <= rows, `${lines.length} lines fit in ${rows} rows:\n${f}`);
      for (const l of lines) assert.ok(l.length <= columns, `"${l}" fits in ${columns} columns`);
      assert.match(f, /status +amount +(refunded +)?remaining/);
      assert.match(rowOf(f, 'order-12'), /PAID +10\.00 EUR +(0\.00 EUR +)?10\.00 EUR/);
      assert.match(rowOf(f, 'order-5'), /REFUNDED +3\.00 EUR +(3\.00 EUR +)?0\.00 EUR/);
    };
    check(80, 24);
    assert.match(rowOf(frame(), 'order-9'), /[0-9a-f]{8} +order-9 +card/, 'the cid/order at 80 columns');
    resize(60, 20);
    await until('60 columns', (f) => !f.includes('cid/or'));
    check(60, 20);
    resize(120, 30);
    await until('120 columns', (f) => f.includes('411111…1111'));
    check(120, 30);
    assert.match(rowOf(frame(), 'order-12'), /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [0-9a-f]{8} +order-12 +card +PAID/);
    resize(200, 40);
    await until('200 columns', (f) => f.includes(idOf('order-12')));
    check(200, 40);
  });

  it('never refunds on enter at the confirmation: enter cancels, only y sends', async () => {
    const { frame, until, select, press } = await open();
    await select('order-11'); // 9.00
    press('r');
    await until('the amount prompt', (f) => f.includes('9.00 EUR remains'));
    press('4.00' + KEY.enter);
    await until('the confirmation', (f) => f.includes('Refund 4.00 EUR on') && f.includes('Remaining after: 5.00 EUR'));
    assert.match(frame(), /y confirm {2}n\/enter\/esc cancel/);
    press(KEY.enter);
    await until('cancelled', (f) => f.includes('refund cancelled: nothing was sent'));
    assert.equal((await s.engine.getTransaction(idOf('order-11'))).remaining, 900, 'enter sent nothing');
    // A typed amount and two enters in one read (a double tap) still sends nothing.
    press('r');
    await until('the amount prompt again', (f) => f.includes('9.00 EUR remains'));
    press('4.00\r\r');
    await until('cancelled again', (f) => f.includes('refund cancelled: nothing was sent') && !f.includes('Remaining after'));
    assert.equal((await s.engine.getTransaction(idOf('order-11'))).remaining, 900);
    press('r');
    press('4.00' + KEY.enter);
    await until('the confirmation', (f) => f.includes('Remaining after: 5.00 EUR'));
    press('y');
    await until('the refund', (f) => f.includes(`Refunded 4.00 EUR on ${idOf('order-11')}: 5.00 EUR remains`));
    assert.equal((await s.engine.getTransaction(idOf('order-11'))).remaining, 500);
  });

  it('never ships on enter at the confirmation either', async () => {
    const initial = await s.engine.createInitial({ merchant: s.merchant, amount: '20.00', orderId: 'cmd-wait', card: CARD });
    const { until, press, controller, frame } = await open();
    await waitFor('the initial selected', () => controller.selectedTx()?.id === initial.id, frame);
    press('s');
    await until('the ship prompt', (f) => f.includes('20.00 EUR left to ship'));
    press('5.00' + KEY.enter);
    await until('the confirmation', (f) => f.includes('Ship 5.00 EUR against') && f.includes('Left to ship after: 15.00 EUR'));
    press(KEY.enter);
    await until('cancelled', (f) => f.includes('shipment cancelled: nothing was sent'));
    const after = await s.engine.getTransaction(initial.id, s.merchant);
    assert.equal(after.remaining, 2000);
    assert.deepEqual(after.shipments, []);
  });

  it('filters by words: amounts as amounts, a shipment by its kind and its short id; Ctrl-U and Ctrl-W edit the line', async () => {
    const initial = await s.engine.createInitial({ merchant: s.merchant, amount: '30.00', orderId: 'cmd-full', card: CARD });
    const shipment = await s.engine.createShipment({ merchant: s.merchant, initial: initial.id, amount: '30.00' });
    const { frame, until, press, controller } = await open();
    await until('the fully shipped initial', (f) => /cmd-full +initial +SHIPPED +30\.00 EUR +– +0\.00 EUR/.test(f));
    const filterLine = (f: string) => f.split('\n').find((l) => l.startsWith('filter /')) ?? '';
    press('/');
    press('some words');
    await until('typed', (f) => filterLine(f).trimEnd() === 'filter / some words');
    press(CTRL_W);
    await until('a word deleted', (f) => filterLine(f).trimEnd() === 'filter / some');
    press(CTRL_U);
    await until('the line cleared', (f) => filterLine(f).trimEnd() === 'filter /');
    press('74' + KEY.enter);
    await until('the 74s', (f) => f.includes('filter "74"') && f.includes('order-1 ') && f.includes('order-2 '));
    assert.deepEqual(
      controller.getState().entries.map((e) => e.tx.cid),
      ['order-2', 'order-1'],
      '74.00 and 74.12, and no id that merely holds 74',
    );
    press('/' + CTRL_U + 'shipment' + KEY.enter);
    await until('the shipment', (f) => f.includes('filter "shipment"') && f.includes(shipment.id.slice(-8)));
    assert.deepEqual(
      controller.getState().entries.map((e) => e.tx.id),
      [shipment.id],
    );
    press('/' + CTRL_U + shipment.id.slice(-8) + KEY.enter);
    await until('the shipment by its short id', (f) => f.includes(`filter "${shipment.id.slice(-8)}"`) && f.includes('cmd-full'));
    assert.deepEqual(
      controller.getState().entries.map((e) => e.tx.id),
      [shipment.id],
    );
    assert.ok(!frame().includes('no transaction matches'));
  });

  it('? shows every key in an overlay, j scrolls it, esc closes it', async () => {
    const { until, press } = await open({ columns: 100, rows: 40 });
    press('?');
    await until('the help', (f) => f.includes('keys ·') && f.includes('G  End') && f.includes('Ctrl-U'));
    await until('the confirmation keys', (f) => f.includes('n  enter  esc  q') && f.includes('cancel: nothing is sent'));
    press(KEY.escape);
    await until('the list again', (f) => f.includes('order-12') && !f.includes('Ctrl-U'));
    const small = await open({ columns: 80, rows: 24 });
    small.press('?');
    await small.until('the help, cut', (f) => f.includes('more below (j/↓)') && !f.includes('Ctrl-W'));
    small.press('G');
    await small.until('scrolled to its end', (f) => f.includes('Ctrl-W') && f.includes('more above'));
    // Narrower than a key and its words: each on its own line, nothing cut.
    const narrow = await open({ columns: 60, rows: 20 });
    narrow.press('?jjjj');
    await narrow.until('the help in two lines', (f) => /^ {2}G {2}End\n {6}the last row \(reads on to the end; any key stops\)$/m.test(f));
    const overlay = narrow
      .frame()
      .split('\n')
      .filter((l) => l.startsWith('  '));
    assert.ok(overlay.length > 5);
    for (const l of overlay) assert.ok(!l.endsWith('…'), `"${l}" is whole`);
  });

  it('G and End go to the oldest transaction, reading on page after page; g and Home back to the newest', async () => {
    const { until, press, controller, frame } = await open();
    press('G');
    await waitFor('the oldest', () => controller.selectedTx()?.cid === 'order-1' && !controller.getState().seeking, frame);
    await until('the oldest on screen', (f) => f.includes('order-1 '));
    press('g');
    await waitFor('the newest', () => controller.selectedTx()?.cid !== 'order-1' && controller.getState().selected === 0, frame);
    press(END);
    await waitFor('the oldest again', () => controller.selectedTx()?.cid === 'order-1', frame);
    press(HOME);
    await waitFor('the newest again', () => controller.getState().selected === 0, frame);
  });

  it('o orders by amount, largest first, and says so; o again by date', async () => {
    const { until, press, controller, frame } = await open();
    press('o');
    await until('largest first', (f) => f.includes('largest first') && f.includes('amount ↓'));
    await waitFor('sorted', () => controller.getState().entries[0]?.tx.cid === 'order-1', frame);
    const amounts = controller.getState().entries.map((e) => e.tx.amount);
    assert.deepEqual(
      amounts,
      [...amounts].sort((a, b) => b - a),
    );
    press('o');
    await until('newest first', (f) => f.includes('newest first') && f.includes('date (UTC) ↓') && !f.includes('amount ↓'));
  });

  it('d steps through the date ranges: the list, the counts and the chart follow', async () => {
    const { until, press, controller, frame } = await open({ columns: 120, rows: 30 });
    const cids = () => controller.getState().entries.map((e) => e.tx.cid);
    await until('all time', (f) => f.includes('all time · newest first') && /1\d transactions:/.test(f));
    press('d');
    await until('today', (f) => /today \(since \d\d-\d\d\) · newest first · \d+ transactions/.test(f));
    await waitFor('only today', () => !cids().includes('order-3') && cids().includes('order-4'), frame);
    press('d');
    await until('7 days', (f) => f.includes('last 7 days (since'));
    await waitFor('3 days ago within 7 days', () => cids().includes('order-3') && !cids().includes('order-2'), frame);
    await until('a week of bars', (f) => /paid\/day [·▁▂▃▄▅▆▇█]{7} max /.test(f));
    press('d');
    await until('30 days', (f) => f.includes('last 30 days (since'));
    press('G');
    await waitFor('10 days ago within 30 days', () => cids().includes('order-2') && !cids().includes('order-1'), frame);
    press('d');
    await until('all time again', (f) => f.includes('all time'));
    press('D');
    await until('back to 30 days', (f) => f.includes('last 30 days'));
  });

  it('counts by status and kind, a sample says so, and f filters by a facet', async () => {
    const sampled = await open({ columns: 160, rows: 30, sampleRows: 5 });
    await sampled.until('the sampled counts', (f) => f.includes('counts of the newest 5: PAID'));
    const { until, press, controller } = await open({ columns: 160, rows: 30 });
    await until(
      'every count',
      (f) => /1\d transactions: PAID \d+ · (PARTIALLY_REFUNDED \d+ · )?REFUNDED 1/.test(f) && f.includes('│ card'),
    );
    press('f');
    await until('the facets', (f) => f.includes('facets · counts') && /status +REFUNDED +1/.test(f));
    const refunded = facetsOf(controller.getState().summary).findIndex((f) => f.value === 'REFUNDED');
    press('j'.repeat(refunded) + KEY.enter);
    await until('filtered by the facet', (f) => f.includes('filter "status:refunded"') && f.includes('order-5'));
    assert.deepEqual(
      controller.getState().entries.map((e) => e.tx.cid),
      ['order-5'],
    );
    press('f' + 'j'.repeat(refunded) + KEY.enter);
    await until('the facet removed', (f) => !f.includes('filter "') && f.includes('order-12'));
  });

  it('clears a "refresh failed" line once the engine answers again (a service back after a restart)', async () => {
    let down = false;
    const flaky = new Proxy(s.engine, {
      get(target, prop, receiver) {
        if (prop === 'listTransactions' && down) return async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6543'));
        return Reflect.get(target, prop, receiver);
      },
    }) as Engine;
    const { until } = await open({ engine: flaky, pollMs: 30 });
    down = true;
    await until('the failure', (f) => f.includes('refresh failed: unexpected error: connect ECONNREFUSED'));
    down = false;
    await until('the failure gone', (f) => !f.includes('refresh failed'));
  });
});
