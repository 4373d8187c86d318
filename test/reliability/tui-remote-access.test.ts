import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import { createElement } from 'react';
import { isEsipayError } from '../../src/domain/errors.js';
import type { TransactionView } from '../../src/domain/types.js';
import { RemoteEngine } from '../../src/engine/remote/remote-engine.js';
import { App } from '../../src/tui/App.js';
import { DashboardController } from '../../src/tui/model/controller.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { KEY, waitFor } from '../tui/helpers.js';
import { allTransactions, tempDir, withStore } from './live.js';

/** Each answer crosses HTTP to a child process: more room than in-process, still no sleeps. */
const SETTLE_MS = 15_000;
const CARD = { number: '4111111111111111', month: '12', year: '2030' };

/**
 * Issue 8, "the TUI on the remote engine": the dashboard opened for merchant A over a real
 * `esipay serve` shows A's transactions and never B's, whatever the user types; and a remote
 * engine without the operator token (or with a wrong one) gets a refusal on screen instead of
 * A's data, and cannot refund anything.
 */
describe("access: the TUI on the remote engine never shows or refunds another merchant's transactions", () => {
  const { dir, cleanup: removeDir } = tempDir('esipay-tui-access-');
  const db = join(dir, 'esipay.db');
  let receiver: Receiver;
  let serve: ServeProcess;
  let operator: RemoteEngine;
  let a: string;
  let b: string;
  const paidA: TransactionView[] = [];
  const paidB: TransactionView[] = [];
  const controllers: DashboardController[] = [];
  const engines: RemoteEngine[] = [];

  before(async () => {
    receiver = await startReceiver(200);
    serve = await startServe({ db, args: ['--quiet'] });
    operator = new RemoteEngine({ url: serve.url, token: serve.token });
    a = (await operator.registerMerchant({ name: 'Boutique A', ip: '127.0.0.1', returnUrl: `${receiver.url}/a` })).uuid;
    b = (await operator.registerMerchant({ name: 'Librairie B', ip: '127.0.0.1', returnUrl: `${receiver.url}/b` })).uuid;
    // Interleaved, so B's rows sit between A's in time: a missing merchant filter would show them.
    for (let i = 1; i <= 3; i++) {
      paidA.push(await operator.pay({ merchant: a, cid: `shop-a-${i}`, amount: `${i}.00`, card: CARD }));
      paidB.push(await operator.pay({ merchant: b, cid: `book-b-${i}`, amount: `9${i}.99`, card: CARD }));
    }
  });
  after(async () => {
    await operator?.close();
    const exit = await serve?.stop();
    await receiver?.close();
    removeDir();
    assert.equal(exit?.code, 0, `esipay serve did not stop cleanly:\n${serve?.stderr()}`);
  });
  afterEach(async () => {
    for (const c of controllers.splice(0)) {
      c.stop();
      await c.idle();
    }
    cleanup();
    for (const e of engines.splice(0)) await e.close();
  });

  async function open(engine: RemoteEngine, merchant: string | undefined, opts: { pageSize?: number; pollMs?: number } = {}) {
    const controller = new DashboardController({ engine, pageSize: opts.pageSize ?? 5, pollMs: opts.pollMs ?? 0 });
    controllers.push(controller);
    const ui = render(createElement(App, { controller }));
    await controller.start(merchant);
    const frame = () => ui.lastFrame() ?? '';
    const until = (what: string, test: (f: string) => boolean) => waitFor(what, () => test(frame()), frame, SETTLE_MS);
    return { ui, controller, frame, until, press: (keys: string) => ui.stdin.write(keys) };
  }

  /** What of B's would give B's transactions away on screen: its cids, the ends of its ids, its amounts. */
  const tracesOfB = () => ['book-b', 'Librairie', ...paidB.map((t) => t.id.slice(-8)), '91.99', '92.99', '93.99'];
  /** Every frame ever painted, less the lines that echo what the user typed (the filter line and its "no match"). */
  const assertNeverShown = (frames: string[], traces: string[], who: string) => {
    for (const frame of frames) {
      const f = frame
        .split('\n')
        .filter((l) => !/^filter |no transaction matches "/.test(l))
        .join('\n');
      for (const t of traces) assert.ok(!f.includes(t), `${who}: "${t}" was on screen:\n${frame}`);
    }
  };

  it("A's dashboard shows A's payments and totals and never B's: opened, paged, filtered by B's id or cid, while B pays", async () => {
    const { ui, controller, frame, until, press } = await open(operator, a, { pageSize: 2, pollMs: 30 });
    await until("A's newest rows and totals", (f) => f.includes('shop-a-3') && f.includes('· 3 transactions'));
    assert.match(frame(), /paid 6\.00 EUR {2}refunded 0\.00 EUR {2}net 6\.00 EUR/);
    // Two rows a read: paging reads A's older pages with the cursor the service gave.
    press('jjj');
    await until("A's oldest row", (f) => f.includes('shop-a-1'));
    await waitFor('the selection on shop-a-1', () => controller.selectedTx()?.cid === 'shop-a-1', frame, SETTLE_MS);
    assert.deepEqual(
      controller.getState().entries.map((e) => e.tx.cid),
      ['shop-a-3', 'shop-a-2', 'shop-a-1'],
    );

    // B's full id is an exact-id filter: A's dashboard asks the service for it under A, and gets nothing.
    for (const text of [paidB[0]!.id, 'book-b', '92.99']) {
      press('/');
      await until('the filter line', (f) => f.includes('filter /'));
      press(KEY.backspace.repeat(40) + text + KEY.enter);
      await until(`no match for ${text}`, (f) => f.includes(`no transaction matches "${text}"`));
      assert.equal(controller.getState().entries.length, 0, `${text} matched nothing of A's`);
    }
    press('/');
    await until('the filter line', (f) => f.includes('filter /'));
    press(KEY.backspace.repeat(40) + KEY.enter);
    await until("A's rows again", (f) => f.includes('shop-a-3') && !f.includes('filter "'));

    // Live: B's new payment never arrives on A's screen; A's own does (the poll works).
    const liveB = await operator.pay({ merchant: b, cid: 'b-live', amount: '94.99', card: CARD });
    const liveA = await operator.pay({ merchant: a, cid: 'a-live', amount: '4.00', card: CARD });
    await until("A's live payment", (f) => f.includes('a-live') && f.includes('· 4 transactions'));
    assert.equal(controller.getState().entries[0]?.tx.id, liveA.id);

    // The detail pane of A's row shows A's transaction.
    press('g' + KEY.enter);
    await until('the detail of the live payment', (f) => f.includes('callback HTTP 200') && f.includes(liveA.id));

    assertNeverShown(ui.frames, [...tracesOfB(), 'b-live', liveB.id.slice(-8), '94.99'], "A's dashboard");
    assert.ok(
      controller.getState().entries.every((e) => e.tx.merchant === a),
      'every row held is A’s',
    );
  });

  for (const [label, token, refusal] of [
    ['no operator token', undefined, 'the operator API needs a bearer token'],
    ['a wrong operator token', 'not-the-operator-token-0123456789', 'the operator token is not valid'],
    ['the token with a character more', 'TOKEN+x', 'the operator token is not valid'],
  ] as const) {
    it(`with ${label}, the dashboard shows the refusal instead of A's transactions, and refunds nothing`, async () => {
      const engine = new RemoteEngine({ url: serve.url, ...(token ? { token: token === 'TOKEN+x' ? `${serve.token}x` : token } : {}) });
      engines.push(engine);
      await assert.rejects(
        engine.listTransactions({ merchant: a }),
        (e: unknown) => isEsipayError(e) && e.kind === 'unauthorized',
        "the engine itself cannot list A's transactions",
      );

      const { ui, controller, frame, until, press } = await open(engine, a, { pollMs: 30 });
      await until('the refusal on screen', (f) => f.includes(refusal));
      const shown = frame();
      assert.match(shown, /esipay · no merchant · remote http:\/\/127\.0\.0\.1:\d+/);
      assert.match(shown, /token/, 'the message says what to fix');
      assert.ok(shown.includes('could not read the merchant (the error is below)'), 'the table says it was not read');
      // Every key a user would try to reach and refund A's money: nothing to act on.
      press('j' + 'r' + '1.00' + KEY.enter + 'y' + KEY.enter);
      press('m');
      await until('the picker refused too', (f) => f.includes('could not read the merchants (the error is below)') && f.includes(refusal));
      press(KEY.enter + 'y');
      await controller.idle();
      assert.equal(controller.getState().entries.length, 0);
      assert.equal(controller.getState().merchant, undefined);

      const tracesOfA = ['Boutique A', 'shop-a', ...paidA.map((t) => t.id.slice(-8))];
      assertNeverShown(ui.frames, [...tracesOfA, ...tracesOfB()], `the dashboard with ${label}`);
      assert.ok(!ui.frames.some((f) => /Refunded|Refund .* on/.test(f)), 'no refund was ever offered');
      // Nor does it pretend that A has no transactions or that the service has no merchants.
      assert.ok(!ui.frames.some((f) => /no transactions yet|no merchants/.test(f)), 'no empty list stood for the refusal');
    });
  }

  it("the operator's view after all of it: not a cent of A's or B's payments was refunded", async () => {
    await withStore(db, async (store) => {
      for (const m of [a, b]) {
        const txs = await allTransactions(store, m);
        assert.ok(txs.length >= 3);
        for (const t of txs) assert.equal(t.refunded, 0, `${t.id} (${t.cid}) of ${m}`);
      }
    });
  });
});
