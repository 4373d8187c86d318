import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, it } from 'node:test';
import { registerMerchant, runCli, tempHome } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { openTerminal, type Terminal } from '../helpers/terminal/index.js';

const HOLD_INK = fileURLToPath(new URL('../../../test/fixtures/hold-ink.mjs', import.meta.url));

/**
 * The real binary on a real pseudo-terminal: `esipay tui` runs in tmux (or, without tmux, on a
 * pty through script: test/helpers/terminal/), the test types into it and reads the screen.
 * The test runner's CI=1 is kept for the command: the dashboard must still draw live.
 */
describe('esipay tui in a terminal', () => {
  let home: { home: string; cleanup: () => void };
  let receiver: Receiver;
  let merchant: string;
  const ids = new Map<string, string>();
  let terminal: Terminal | undefined;

  const tui = (name: string, columns: number, rows: number) =>
    (terminal = openTerminal(['tui', '--merchant', merchant], { home: home.home, name, columns, rows, keepCi: true }));

  before(async () => {
    home = tempHome();
    receiver = await startReceiver(200);
    merchant = (await registerMerchant(home.home, `${receiver.url}/paid`)).uuid;
    for (const [cid, amount] of [
      ['order-1', '74.12'],
      ['order-2', '15.00'],
      ['order-3', '9.99'],
    ] as const) {
      const r = await runCli(
        ['pay', amount, '--card', '4111111111111111', '--expiry', '12/2030', '--cid', cid, '--merchant', merchant, '--json'],
        { home: home.home },
      );
      assert.equal(r.code, 0, r.stderr);
      ids.set(cid, r.json().id);
    }
  });

  afterEach(() => terminal?.close());
  after(async () => {
    await receiver.close();
    home.cleanup();
  });

  it('shows the rows, totals and counts before Ink has loaded, and keys typed meanwhile act once it has', async () => {
    // Ink's first import is held (test/fixtures/hold-ink.mjs) until this test has read the screen.
    const release = join(home.home, 'release-ink');
    const t = (terminal = openTerminal(['tui', '--merchant', merchant], {
      home: home.home,
      name: 'tui-first-frame',
      columns: 120,
      rows: 24,
      keepCi: true,
      env: { NODE_OPTIONS: `--import=${HOLD_INK}`, ESIPAY_TEST_INK_RELEASE: release },
    }));
    const first = await t.waitFor(
      'the first screen, Ink held',
      (s) => s.includes('order-1') && s.includes('paid 99.11 EUR') && /PAID 3/.test(s),
    );
    assert.match(first, /esipay · \S+ [0-9a-f-]{36} · local sqlite/);
    assert.match(first, /q quit/);
    // Typed before Ink runs: down twice to order-1 (the oldest of three), then its detail.
    t.press('j', 'j', 'Enter');
    writeFileSync(release, '');
    await t.waitFor('the detail of order-1', (s) => s.includes(ids.get('order-1')!));
    t.press('q');
    assert.equal(await t.exited(), 0);
  });

  it('selects a payment, refunds part of it after confirming, and shows the new remaining balance', async () => {
    const target = ids.get('order-1')!;
    const t = tui('tui', 160, 40);
    await t.waitFor('the dashboard', (s) => s.includes('order-3') && s.includes('paid 99.11 EUR'));

    t.press('j', 'j', 'Enter'); // order-1 is the third row, newest first
    await t.waitFor('the detail of order-1', (s) => s.includes(`── detail ${target}`) && s.includes('callback HTTP 200'));

    t.press('r');
    await t.waitFor('the amount prompt', (s) => s.includes(`refund ${target}: 74.12 EUR remains`));
    t.press('20.00', 'Enter');
    await t.waitFor('the confirmation', (s) => s.includes(`Refund 20.00 EUR on ${target}? Remaining after: 54.12 EUR`));
    t.press('y');
    const after = await t.waitFor('the refund', (s) => s.includes(`Refunded 20.00 EUR on ${target}: 54.12 EUR remains`));
    const row = after.split('\n').find((l) => l.includes(target) && l.includes('order-1'));
    assert.match(row ?? '', /order-1 +card +PARTIALLY_REFUNDED +74\.12 EUR +20\.00 EUR +54\.12 EUR/);
    await t.waitFor('the totals', (s) => /refunded 20\.00 EUR {2}net 79\.11 EUR/.test(s));

    t.press('q');
    assert.equal(await t.exited(5000), 0, 'q quits with status 0');

    const shown = await runCli(['tx', 'show', target, '--json'], { home: home.home });
    assert.equal(shown.json().remaining, 5412);
  });

  it('at 80×24 keeps the remaining column, shows every key with ?, and a confirmation that enter cancels', async () => {
    const t = tui('tui-80', 80, 24);
    const first = await t.waitFor('the dashboard at 80×24', (s) => s.includes('order-3') && s.includes('paid 99.11 EUR'));
    assert.match(first, /status +amount +remaining/);
    const row = first.split('\n').find((l) => l.includes(ids.get('order-2')!.slice(-8)));
    assert.match(row ?? '', /order-2 +card +PAID +15\.00 EUR +15\.00 EUR$/, 'the remaining column is on screen');
    for (const line of first.split('\n')) assert.ok(line.length <= 80, `"${line}" fits`);

    t.press('?');
    await t.waitFor('the help overlay', (s) => s.includes('keys ·') && s.includes('G  End') && s.includes('more below'));
    t.press('Escape');
    await t.waitFor('the list again', (s) => s.includes('order-3') && !s.includes('G  End'));

    t.press('j', 'r');
    await t.waitFor('the amount prompt', (s) => s.includes('15.00 EUR remains'));
    t.press('5', 'Enter');
    await t.waitFor('the confirmation', (s) => s.includes('Remaining after: 10.00 EUR'));
    t.press('Enter');
    await t.waitFor('cancelled by enter', (s) => s.includes('refund cancelled: nothing was sent'));

    t.press('q');
    assert.equal(await t.exited(5000), 0, 'q quits with status 0');
    const shown = await runCli(['tx', 'show', ids.get('order-2')!, '--json'], { home: home.home });
    assert.equal(shown.json().remaining, 1500, 'nothing was refunded');
  });
});
