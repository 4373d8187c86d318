import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TmuxTerminal } from '../cli/tmux.js';
import { registerMerchant, runCli, tempHome } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

/**
 * A terminal whose shell has CI set, as in many dev containers: Ink believes it runs in CI when
 * CI or CONTINUOUS_INTEGRATION is set (is-in-ci) and then draws nothing until it exits, so the
 * dashboard would look hung. On a terminal, esipay tui draws live whatever CI says.
 */
describe('esipay tui in a terminal whose environment has CI=true', () => {
  let home: ReturnType<typeof tempHome>;
  let receiver: Receiver;
  let merchant: string;

  before(async () => {
    home = tempHome();
    receiver = await startReceiver(200);
    merchant = (await registerMerchant(home.home, `${receiver.url}/paid`)).uuid;
    const r = await runCli(
      ['pay', '74.12', '--card', '4111111111111111', '--expiry', '12/2030', '--cid', 'order-ci', '--merchant', merchant, '--json'],
      { home: home.home },
    );
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await receiver.close();
    home.cleanup();
  });

  it('draws the dashboard while it runs, and quits with q', async () => {
    const terminal = new TmuxTerminal(['tui', '--merchant', merchant], {
      home: home.home,
      name: 'tui-ci',
      env: { CI: 'true', CONTINUOUS_INTEGRATION: 'true' },
    });
    try {
      await terminal.waitFor('the dashboard with its payment', (s) => s.includes('order-ci') && s.includes('paid 74.12 EUR'));
      terminal.type('q');
      assert.equal(await terminal.exited(), 0);
    } finally {
      terminal.close();
    }
  });
});
