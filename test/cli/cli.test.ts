import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifySignature } from '../../src/callback/signature.js';
import { BIN, registerMerchant, runCli, tempHome } from '../helpers/cli.js';
import { closedUrl, type Receiver, startReceiver } from '../helpers/receiver.js';

const CARD = ['--card', '4111111111111111', '--expiry', '12/2030'];

describe('esipay CLI on the embedded engine, end to end', () => {
  let receiver: Receiver;
  let home: { home: string; cleanup: () => void };
  let merchant: { uuid: string; secret: string };
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { home: home.home, env });

  before(async () => {
    receiver = await startReceiver(200);
    home = tempHome();
    merchant = await registerMerchant(home.home, `${receiver.url}/paid`);
  });
  after(async () => {
    await receiver.close();
    home.cleanup();
  });

  it('registers a merchant with a uuid and a callback secret', async () => {
    assert.match(merchant.uuid, /^[0-9a-f-]{36}$/);
    assert.match(merchant.secret, /^whsec_/);
    const shown = await cli(['merchant', 'show', merchant.uuid, '--json']);
    assert.equal(shown.code, 0);
    assert.equal(shown.json().name, 'Boutique');
    assert.equal(shown.json().secret, undefined, 'the secret is shown only at registration');
  });

  it('pays, calls the return URL with the signed form, and refunds partially then fully', async () => {
    const before = receiver.received.length;
    const paid = await cli(['pay', '74.12', ...CARD, '--cid', 'order-1', '--merchant', merchant.uuid, '--json']);
    assert.equal(paid.code, 0, paid.stderr);
    const tx = paid.json();
    assert.equal(tx.status, 'PAID');
    assert.equal(tx.amount, 7412);
    assert.equal(tx.currency, 'EUR');
    assert.equal(tx.remaining, 7412);
    assert.deepEqual(tx.card, { first6: '411111', last4: '1111', brand: 'visa' });

    const cb = receiver.received[before]!;
    assert.equal(cb.method, 'POST');
    assert.equal(cb.path, '/paid');
    assert.match(String(cb.headers['content-type']), /application\/x-www-form-urlencoded/);
    assert.deepEqual(cb.fields, { type: 'card', amount: '74.12', transaction: tx.id, cid: 'order-1' });
    assert.equal(verifySignature(cb.body, String(cb.headers['esipay-signature']), [merchant.secret]).ok, true);
    assert.equal(verifySignature(cb.body + 'x', String(cb.headers['esipay-signature']), [merchant.secret]).ok, false);

    const partial = await cli(['refund', tx.id, '10.00', '--json']);
    assert.equal(partial.code, 0, partial.stderr);
    assert.equal(partial.json().transaction.remaining, 6412);
    assert.equal(partial.json().refund.amount, 1000);

    const over = await cli(['refund', tx.id, '64.13', '--json']);
    assert.equal(over.code, 2);
    assert.equal(over.json().error.code, 'amount_exceeds_remaining');
    assert.match(over.stderr, /only 64\.12 EUR remains/);

    const rest = await cli(['refund', tx.id, '--json']);
    assert.equal(rest.code, 0, rest.stderr);
    assert.equal(rest.json().refund.amount, 6412);
    assert.equal(rest.json().transaction.remaining, 0);
    assert.equal(rest.json().transaction.status, 'REFUNDED');

    const again = await cli(['refund', tx.id]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already fully refunded/);

    const shown = await cli(['tx', 'show', tx.id, '--json']);
    assert.deepEqual(
      shown.json().refunds.map((r: { amount: number }) => r.amount),
      [1000, 6412],
    );
    assert.deepEqual(shown.json().callback, { status: 200, error: null });
  });

  it('repeating a cid with the same payment charges once; with another payment it is refused', async () => {
    const first = await cli(['pay', '5.00', ...CARD, '--cid', 'order-idem', '--merchant', merchant.uuid, '--json']);
    const callbacks = receiver.received.length;
    const second = await cli(['pay', '5.00', ...CARD, '--cid', 'order-idem', '--merchant', merchant.uuid, '--json']);
    assert.equal(second.code, 0);
    assert.equal(second.json().id, first.json().id);
    assert.equal(receiver.received.length, callbacks, 'no second callback');
    const other = await cli(['pay', '6.00', ...CARD, '--cid', 'order-idem', '--merchant', merchant.uuid, '--json']);
    assert.equal(other.code, 2);
    assert.equal(other.json().error.code, 'cid_reused');
  });

  it('a declined card exits 4 and is recorded as DECLINED with nothing to refund', async () => {
    const r = await cli([
      'pay',
      '5.00',
      '--card',
      '4000000000000002',
      '--expiry',
      '12/2030',
      '--cid',
      'declined-1',
      '--merchant',
      merchant.uuid,
      '--json',
    ]);
    assert.equal(r.code, 4);
    assert.equal(r.json().error.code, 'card_declined');
    assert.equal(r.json().transaction.status, 'DECLINED');
    const refund = await cli(['refund', r.json().transaction.id]);
    assert.equal(refund.code, 2);
  });

  it('a technical failure at the acquirer exits 5', async () => {
    const r = await cli(['pay', '5.00', '--card', '4000000000000119', '--expiry', '12/2030', '--merchant', merchant.uuid, '--json']);
    assert.equal(r.code, 5);
    assert.equal(r.json().error.code, 'acquirer_error');
    assert.equal(r.json().transaction.status, 'FAILED', 'the failed attempt is recorded and shown, like a declined one');
    assert.equal(r.json().transaction.amount, 500);
  });

  it('bad input exits 2 with a one-line error and stores nothing', async () => {
    const count = async () => (await cli(['tx', 'list', '--merchant', merchant.uuid, '--all', '--json'])).json().items.length;
    const n = await count();
    const cases: [string[], RegExp][] = [
      [['pay', '12,50', ...CARD], /decimal separator/],
      [['pay', '1e3', ...CARD], /not a decimal amount/],
      [['pay', '-5', ...CARD], /not a decimal amount/],
      [['pay', '1.001', ...CARD], /at most 2 decimals/],
      [['pay', '5', '--card', '4111111111111112', '--expiry', '12/2030'], /Luhn/],
      [['pay', '5', '--card', '4111111111111111', '--expiry', '13/2030'], /month/],
      [['pay', '5', '--card', '4111111111111111', '--expiry', '12/2020'], /expired/],
    ];
    for (const [args, message] of cases) {
      const r = await cli([...args, '--merchant', merchant.uuid]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    }
    assert.equal(await count(), n);
  });

  it('an unknown merchant or transaction exits 2 with a hint', async () => {
    const r = await cli(['pay', '5', ...CARD, '--merchant', '00000000-0000-4000-8000-000000000000']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no merchant .*esipay merchant list/);
    const t = await cli(['tx', 'show', 'f'.repeat(32)]);
    assert.equal(t.code, 2);
    const none = await cli(['pay', '5', ...CARD]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--merchant/);
  });

  it('lists transactions newest first with refunded and remaining, paged by cursor', async () => {
    const page1 = await cli(['tx', 'list', '--merchant', merchant.uuid, '--limit', '2', '--json']);
    assert.equal(page1.code, 0);
    const { items, next } = page1.json();
    assert.equal(items.length, 2);
    assert.ok(next);
    assert.ok(items[0].createdAt >= items[1].createdAt);
    for (const key of ['id', 'merchant', 'cid', 'kind', 'status', 'amount', 'currency', 'refunded', 'remaining', 'card', 'createdAt']) {
      assert.ok(key in items[0], key);
    }
    const page2 = await cli(['tx', 'list', '--merchant', merchant.uuid, '--limit', '2', '--cursor', next, '--json']);
    assert.ok(!page2.json().items.some((t: { id: string }) => items.some((i: { id: string }) => i.id === t.id)));
    const human = await cli(['tx', 'list', '--merchant', merchant.uuid]);
    assert.match(human.stdout, /REMAINING/);
    assert.match(human.stdout, /REFUNDED/);
  });

  it('uses the default merchant from config, and flags beat the environment which beats the config', async () => {
    const set = await cli(['config', 'set', 'merchant', merchant.uuid]);
    assert.equal(set.code, 0);
    const viaConfig = await cli(['tx', 'list', '--json']);
    assert.equal(viaConfig.code, 0, viaConfig.stderr);
    const viaEnv = await cli(['tx', 'list', '--json'], { ESIPAY_MERCHANT: '00000000-0000-4000-8000-000000000000' });
    assert.equal(viaEnv.code, 2, 'the environment wins over the config');
    const viaFlag = await cli(['tx', 'list', '--merchant', merchant.uuid, '--json'], {
      ESIPAY_MERCHANT: '00000000-0000-4000-8000-000000000000',
    });
    assert.equal(viaFlag.code, 0, 'the flag wins over the environment');
    assert.equal((await cli(['config', 'get', 'merchant'])).stdout.trim(), merchant.uuid);
    assert.equal((await cli(['config', 'unset', 'merchant'])).code, 0);
    const unset = await cli(['config', 'get', 'merchant']);
    assert.equal(unset.code, 2, 'an unset key is an answer, not a bug (exit 1)');
    assert.match(unset.stderr, /merchant is not set in the config file/);
    const unsetJson = await cli(['config', 'get', 'merchant', '--json']);
    assert.equal(unsetJson.json().error.code, 'config_unset');
    assert.equal((await cli(['config', 'get', 'nope'])).code, 2);
  });
});

describe('esipay CLI: payments cancelled by the return URL', () => {
  it('cancels when the return URL answers 500, hangs past the timeout, or refuses the connection', async () => {
    const home = tempHome();
    const failing = await startReceiver(500);
    const hanging = await startReceiver('hang');
    try {
      for (const [url, reason] of [
        [`${failing.url}/paid`, /HTTP 500/],
        [`${hanging.url}/paid`, /no answer within 300 ms/],
        [`${await closedUrl()}/paid`, /connection refused/],
      ] as const) {
        const m = await registerMerchant(home.home, url);
        const r = await runCli(['pay', '9.99', ...CARD, '--merchant', m.uuid, '--json'], {
          home: home.home,
          env: { ESIPAY_CALLBACK_TIMEOUT_MS: '300' },
        });
        assert.equal(r.code, 4, r.stderr);
        assert.equal(r.json().error.code, 'callback_failed');
        assert.equal(r.json().transaction.status, 'CANCELLED');
        assert.equal(r.json().transaction.remaining, 0);
        assert.match(r.stderr, reason);
      }
    } finally {
      await failing.close();
      await hanging.close();
      home.cleanup();
    }
  });
});

describe('esipay CLI: scripts and start-up', () => {
  it('--help and --version load no database, ink, react or undici, and create no files', () => {
    const home = tempHome();
    try {
      const preload = fileURLToPath(new URL('../../../test/fixtures/trace-imports.mjs', import.meta.url));
      for (const args of [['--help'], ['pay', '--help'], ['--version']]) {
        const r = spawnSync(process.execPath, ['--import', preload, BIN, ...args], {
          env: { ...process.env, ESIPAY_HOME: home.home },
          encoding: 'utf8',
        });
        assert.equal(r.status, 0, r.stderr);
        const imports = JSON.parse(/IMPORTS (.*)/.exec(r.stderr)![1]!) as string[];
        for (const heavy of ['ink', 'react', 'undici', 'better-sqlite3', 'pg', 'conf']) {
          assert.ok(!imports.includes(heavy), `${args.join(' ')} loaded ${heavy}`);
        }
      }
      assert.deepEqual(readdirSync(home.home), []);
    } finally {
      home.cleanup();
    }
  });

  it('a reader that stops early (esipay --help | head -1) ends the command quietly, exit 0', async () => {
    const home = tempHome();
    try {
      const child = spawn(process.execPath, [BIN, '--help'], {
        env: { ...process.env, ESIPAY_HOME: home.home },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      // Like a head that is already gone: the pipe is closed before esipay writes to it.
      child.stdout.destroy();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(stderr, '');
      assert.equal(code, 0);
    } finally {
      home.cleanup();
    }
  });

  it('never prompts without a terminal: it names the missing flag', async () => {
    const home = tempHome();
    try {
      const r = await runCli(['merchant', 'register', '--ip', '127.0.0.1', '--return-url', 'http://127.0.0.1:1/x'], { home: home.home });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /pass --name/);
    } finally {
      home.cleanup();
    }
  });

  it('usage errors exit 2; completion scripts are printed for bash, zsh and fish', async () => {
    const home = tempHome();
    try {
      assert.equal((await runCli(['frobnicate'], { home: home.home })).code, 2);
      assert.equal((await runCli(['pay'], { home: home.home })).code, 2);
      for (const shell of ['bash', 'zsh', 'fish']) {
        const r = await runCli(['completion', shell], { home: home.home });
        assert.equal(r.code, 0);
        assert.match(r.stdout, /esipay/);
      }
      // The scripts ask `esipay __complete`, which walks the whole command tree, however few
      // commands a command line loads.
      const bash = await runCli(['__complete', ''], { home: home.home });
      for (const command of ['merchant', 'pay', 'link', 'refund', 'shipment', 'tx', 'tui', 'verify', 'listen', 'serve', 'db', 'config'])
        assert.match(bash.stdout, new RegExp(`\\b${command}\\b`), `completion lacks ${command}`);
      assert.equal((await runCli(['completion', 'tcsh'], { home: home.home })).code, 2);
    } finally {
      home.cleanup();
    }
  });
});
