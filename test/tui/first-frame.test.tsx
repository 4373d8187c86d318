import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/App.js';
import { CLEAR_SCREEN, firstFrameLines, firstFrameText, plainText } from '../../src/tui/first-frame.js';
import { DashboardController } from '../../src/tui/model/controller.js';
import { type SeededEngine, seededEngine, stopAll, waitFor } from './helpers.js';

/**
 * `esipay tui` paints its first screen without Ink (src/tui/first-frame.ts) while Ink and React
 * load, and Ink's first frame then replaces it: the two must be the same screen, or the user sees
 * the dashboard jump. ink-testing-library draws App at 100 columns (and 24 rows, App's default).
 */
describe('esipay tui: the first frame painted before Ink', () => {
  let s: SeededEngine;
  const controllers: DashboardController[] = [];

  before(async () => {
    s = await seededEngine(['74.12', ...Array.from({ length: 29 }, (_, i) => `${i + 1}.00`)]);
    // A shipment under its initial authorisation: an indented row.
    const init = await s.engine.createInitial({
      merchant: s.merchant,
      orderId: 'ord-S',
      amount: '50.00',
      card: { number: '4111111111111111', month: '12', year: '2030' },
    });
    await s.engine.createShipment({ merchant: s.merchant, initial: init.id, amount: '20.00' });
  });
  after(async () => {
    await s.cleanup();
  });
  afterEach(() => stopAll(controllers, cleanup));

  /** Ink's frame and the first frame of the same state, line by line (Ink trims each line's end). */
  function bothFrames(controller: DashboardController): { ink: string[]; first: string[] } {
    const first = firstFrameLines(controller.getState(), 100, 24, controller.now()).map((l) => plainText(l).trimEnd());
    const ui = render(<App controller={controller} />);
    const ink = (ui.lastFrame() ?? '').split('\n').map((l) => l.trimEnd());
    ui.unmount();
    return { ink, first };
  }

  it('is the screen Ink draws for the same state: the rows, before and after the totals and counts are read', async () => {
    const controller = new DashboardController({ engine: s.engine, pollMs: 0 });
    controllers.push(controller);
    await controller.start(s.merchant);
    // As dashboard.ts paints it: the rows are read, the totals and counts not yet.
    assert.ok(controller.getState().entries.length > 0 && controller.getState().totals === undefined);
    const early = bothFrames(controller);
    assert.deepEqual(early.first, early.ink);
    assert.match(early.first.join('\n'), /order-30/);
    assert.match(early.first[1]!, /totals…/);

    await waitFor(
      'the totals and the counts',
      () => controller.getState().totals !== undefined && controller.getState().summary !== undefined,
      () => JSON.stringify(controller.getState().totals),
    );
    const full = bothFrames(controller);
    assert.deepEqual(full.first, full.ink);
    assert.match(full.first[1]!, /paid 529\.12 EUR {2}refunded 0\.00 EUR {2}net 529\.12 EUR {2}to ship 30\.00 EUR {2}· 32 transactions/);
    assert.ok(
      full.first.some((l) => /└ \S+ +ord-S +shipment/.test(l)),
      `the shipment is indented under its authorisation:\n${full.first.join('\n')}`,
    );
    assert.equal(full.first.length, 23, "App's height: one line left free at the bottom");
  });

  it('is one write from a cleared screen; styled like Ink, or plain when colours are off', async () => {
    const controller = new DashboardController({ engine: s.engine, pollMs: 0 });
    controllers.push(controller);
    await controller.start(s.merchant);
    const lines = firstFrameLines(controller.getState(), 100, 24, controller.now());
    const plain = firstFrameText(lines, false);
    assert.ok(plain.startsWith(CLEAR_SCREEN));
    assert.doesNotMatch(plain.slice(CLEAR_SCREEN.length), /\x1b/, 'no escape at all without colours');
    const styled = firstFrameText(lines, true);
    const state = controller.getState();
    const newest = state.entries[state.selected]!.tx.cid;
    const selected = styled.split('\r\n').find((l) => l.includes(newest))!;
    assert.match(selected, /\x1b\[7m/, 'the selected row is shown inverse');
    assert.match(styled, /\x1b\[32m PAID/, 'a PAID status in green');
    assert.equal(styled.replace(/\x1b\[[0-9;]*m/g, ''), plain, 'the same text either way');
  });
});
