import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, registerMerchant, runCli, tempHome } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

/**
 * The real binary on a real pseudo-terminal: tmux runs `esipay tui`, the test types into it with
 * send-keys and reads the screen with capture-pane. Needs tmux (apt-get install -y tmux).
 * The test runner has CI=1, which the tmux server passes on: the dashboard must still draw live.
 */
describe('esipay tui in a terminal (tmux)', () => {
  const socket = `esipay-tui-test-${process.pid}`;
  const session = 'tui';
  let home: { home: string; cleanup: () => void };
  let receiver: Receiver;
  let merchant: string;
  const ids = new Map<string, string>();

  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  /** The session the screen is read from: each test starts its own. */
  let current = session;
  const screen = () => tmux('capture-pane', '-p', '-t', current);
  /**
   * The program's exit status once it has ended, else undefined. The shell that runs it writes
   * the status to a file: tmux's own pane_dead_status is not always there yet under load.
   */
  const exitStatus = (): number | undefined => {
    if (!existsSync(statusFile())) return undefined;
    const text = readFileSync(statusFile(), 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  };
  const statusFile = () => join(home.home, `${current}.exit`);
  async function waitForScreen(what: string, test: (s: string) => boolean, timeoutMs = 15_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = screen();
      if (test(last)) return last;
      const ended = exitStatus();
      if (ended !== undefined)
        throw new Error(
          `esipay tui ended (status ${ended}) before ${what}; screen:\n${tmux('capture-pane', '-p', '-S', '-40', '-t', current)}`,
        );
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${last}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

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

  after(async () => {
    try {
      tmux('kill-server');
    } catch {
      // the server ended with its last session
    }
    await receiver.close();
    home.cleanup();
  });

  it('selects a payment, refunds part of it after confirming, and shows the new remaining balance', async () => {
    const target = ids.get('order-1')!;
    const command = `env ESIPAY_HOME='${home.home}' '${process.execPath}' '${BIN}' tui --merchant ${merchant}; echo $? > '${statusFile()}.tmp' && mv '${statusFile()}.tmp' '${statusFile()}'`;
    // remain-on-exit keeps the pane after the program ends, to read its last words.
    tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '40', command, ';', 'set-option', '-w', 'remain-on-exit', 'on');
    await waitForScreen('the dashboard', (s) => s.includes('order-3') && s.includes('paid 99.11 EUR'));

    tmux('send-keys', '-t', session, 'j', 'j', 'Enter'); // order-1 is the third row, newest first
    await waitForScreen('the detail of order-1', (s) => s.includes(`── detail ${target}`) && s.includes('callback HTTP 200'));

    tmux('send-keys', '-t', session, 'r');
    await waitForScreen('the amount prompt', (s) => s.includes(`refund ${target}: 74.12 EUR remains`));
    tmux('send-keys', '-t', session, '20.00', 'Enter');
    await waitForScreen('the confirmation', (s) => s.includes(`Refund 20.00 EUR on ${target}? Remaining after: 54.12 EUR`));
    tmux('send-keys', '-t', session, 'y');
    const after = await waitForScreen('the refund', (s) => s.includes(`Refunded 20.00 EUR on ${target}: 54.12 EUR remains`));
    const row = after.split('\n').find((l) => l.includes(target) && l.includes('order-1'));
    assert.match(row ?? '', /order-1 +card +PARTIALLY_REFUNDED +74\.12 EUR +20\.00 EUR +54\.12 EUR/);
    await waitForScreen('the totals', (s) => /refunded 20\.00 EUR {2}net 79\.11 EUR/.test(s));

    tmux('send-keys', '-t', session, 'q');
    const end = Date.now() + 5000;
    while (exitStatus() === undefined && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.equal(exitStatus(), 0, 'q quits with status 0');

    const shown = await runCli(['tx', 'show', target, '--json'], { home: home.home });
    assert.equal(shown.json().remaining, 5412);
  });

  it('at 80×24 keeps the remaining column, shows every key with ?, and a confirmation that enter cancels', async () => {
    current = `${session}-80`;
    const command = `env ESIPAY_HOME='${home.home}' '${process.execPath}' '${BIN}' tui --merchant ${merchant}; echo $? > '${statusFile()}.tmp' && mv '${statusFile()}.tmp' '${statusFile()}'`;
    tmux('new-session', '-d', '-s', current, '-x', '80', '-y', '24', command, ';', 'set-option', '-w', 'remain-on-exit', 'on');
    const first = await waitForScreen('the dashboard at 80×24', (s) => s.includes('order-3') && s.includes('paid 99.11 EUR'));
    assert.match(first, /status +amount +remaining/);
    const row = first.split('\n').find((l) => l.includes(ids.get('order-2')!.slice(-8)));
    assert.match(row ?? '', /order-2 +card +PAID +15\.00 EUR +15\.00 EUR$/, 'the remaining column is on screen');
    for (const line of first.split('\n')) assert.ok(line.length <= 80, `"${line}" fits`);

    tmux('send-keys', '-t', current, '?');
    await waitForScreen('the help overlay', (s) => s.includes('keys ·') && s.includes('G  End') && s.includes('more below'));
    tmux('send-keys', '-t', current, 'Escape');
    await waitForScreen('the list again', (s) => s.includes('order-3') && !s.includes('G  End'));

    tmux('send-keys', '-t', current, 'j', 'r');
    await waitForScreen('the amount prompt', (s) => s.includes('15.00 EUR remains'));
    tmux('send-keys', '-t', current, '5', 'Enter');
    await waitForScreen('the confirmation', (s) => s.includes('Remaining after: 10.00 EUR'));
    tmux('send-keys', '-t', current, 'Enter');
    await waitForScreen('cancelled by enter', (s) => s.includes('refund cancelled: nothing was sent'));

    tmux('send-keys', '-t', current, 'q');
    const end = Date.now() + 5000;
    while (exitStatus() === undefined && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.equal(exitStatus(), 0, 'q quits with status 0');
    const shown = await runCli(['tx', 'show', ids.get('order-2')!, '--json'], { home: home.home });
    assert.equal(shown.json().remaining, 1500, 'nothing was refunded');
  });
});
