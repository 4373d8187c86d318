import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { BIN, registerMerchant, tempHome } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { secretKeyEnv } from '../helpers/secret-key.js';

/**
 * The commands an operator's scripts run thousands of times load only what they use
 * (docs/performance.md): a payment or a listing on the local engine, with piped output, must not
 * load undici (node's own http client does the one POST), zod (payment links), conf (settings are
 * read as plain JSON) or chalk (no terminal, no colours).
 */
describe('esipay CLI: what a scripted command loads', () => {
  let receiver: Receiver;
  let home: ReturnType<typeof tempHome>;
  let merchant: string;
  const preload = fileURLToPath(new URL('../../../test/fixtures/trace-imports.mjs', import.meta.url));
  /** The compiled src/ the CLI runs: the modules below it are named by their path from there. */
  const SRC = new URL('../../src/', import.meta.url).href;

  before(async () => {
    receiver = await startReceiver(200);
    home = tempHome();
    merchant = (await registerMerchant(home.home, `${receiver.url}/paid`)).uuid;
  });
  after(async () => {
    await receiver.close();
    home.cleanup();
  });

  // Asynchronous: the merchant's server runs in this process and must answer while the CLI waits.
  const run = async (args: string[]) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ESIPAY_')) env[k] = v;
    Object.assign(env, { ESIPAY_HOME: home.home, ESIPAY_MERCHANT: merchant, ...secretKeyEnv() });
    const child = spawn(process.execPath, ['--import', preload, BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    const modules = (JSON.parse(/MODULES (.*)/.exec(stderr)![1]!) as string[])
      .filter((url) => url.startsWith(SRC))
      .map((url) => url.slice(SRC.length));
    return { stdout, imports: JSON.parse(/IMPORTS (.*)/.exec(stderr)![1]!) as string[], modules };
  };

  // The prompts (src/cli/prompts/, ink and react) load only to show one: a command given all it
  // needs pays, refunds or creates its link without them.
  it('a scripted pay, refund and link create load none of the prompt modules, nor ink or react', async () => {
    const pay = await run(['pay', '10.00', '--card', '4111111111111111', '--expiry', '12/2030', '--cid', 'lazy-prompts', '--json']);
    const paid = JSON.parse(pay.stdout) as { id: string; status: string };
    assert.equal(paid.status, 'PAID');
    const refund = await run(['refund', paid.id, '1.00', '--json']);
    assert.equal(JSON.parse(refund.stdout).refund.amount, 100);
    const link = await run([
      ...['link', 'create', '5.00', '--payment-reference', 'lazy-inv-1', '--consumer-reference', 'c-1'],
      ...['--email', 'buyer@example.com', '--phone', '+33600000000', '--callback-url', `${receiver.url}/link`, '--json'],
    ]);
    assert.equal(JSON.parse(link.stdout).amount, 500);
    for (const [what, r] of [
      ['pay', pay],
      ['refund', refund],
      ['link create', link],
    ] as const) {
      // Relative specifiers only: the checkout's own path may say "prompts".
      const prompts = r.imports.filter((s) => s.startsWith('.') && /(^|\/)prompts\//.test(s));
      assert.deepEqual(prompts, [], `esipay ${what} loaded prompt modules`);
      for (const heavy of ['ink', 'react', 'react/jsx-runtime']) assert.ok(!r.imports.includes(heavy), `esipay ${what} loaded ${heavy}`);
    }
  });

  it('esipay pay pays (the return URL got its POST) without loading undici, zod, conf or chalk', async () => {
    const before = receiver.received.length;
    const r = await run(['pay', '10.00', '--card', '4111111111111111', '--expiry', '12/2030', '--cid', 'lazy-1', '--json']);
    assert.equal(JSON.parse(r.stdout).status, 'PAID');
    assert.equal(receiver.received.length, before + 1);
    for (const heavy of ['undici', 'zod', 'conf', 'chalk', 'ink', 'react', 'pg'])
      assert.ok(!r.imports.includes(heavy), `esipay pay loaded ${heavy}`);
  });

  // A plain command line (src/cli/command-line.ts) is parsed without commander: about a tenth of
  // `esipay pay`. Help and usage errors are commander's.
  it('a plain esipay pay, refund or tx list runs without loading commander; its help still comes from commander', async () => {
    const pay = await run(['--json', 'pay', '10.00', '--card', '4111111111111111', '--expiry=12/2030', '--cid', 'lazy-plain']);
    const paid = JSON.parse(pay.stdout) as { id: string; status: string };
    assert.equal(paid.status, 'PAID');
    const refund = await run(['refund', paid.id, '1.00', '--idempotency-key', 'lazy-plain-1', '--yes', '--json']);
    assert.equal(JSON.parse(refund.stdout).refund.amount, 100);
    const list = await run(['tx', 'list', '--limit', '5', '--json']);
    assert.ok(JSON.parse(list.stdout).items.some((t: { cid: string }) => t.cid === 'lazy-plain'));
    for (const r of [pay, refund, list]) assert.ok(!r.imports.includes('commander'), `loaded commander: ${r.imports.join(' ')}`);
    const help = await run(['pay', '--help']);
    assert.match(help.stdout, /^Usage: esipay pay \[options\] \[amount\]/);
    assert.ok(help.imports.includes('commander'));
  });

  it('a command line loads the module of the command it names, not the twelve others', async () => {
    const others = [
      'merchant',
      'link',
      'refund',
      'shipment',
      'tx',
      'batch',
      'tui',
      'verify',
      'listen',
      'serve',
      'db',
      'config',
      'completion',
    ];
    // A global option's value before the command is not taken for the command.
    const r = await run(['--merchant', merchant, 'pay', '10.00', '--card', '4111111111111111', '--expiry', '12/2030', '--json']);
    assert.equal(JSON.parse(r.stdout).status, 'PAID');
    assert.ok(r.imports.includes('./commands/pay.js'));
    for (const other of others) assert.ok(!r.imports.includes(`./commands/${other}.js`), `esipay pay loaded ./commands/${other}.js`);
  });

  // The engine's use cases load on first call (src/engine/local/local-engine.ts): a payment does not
  // load the service's V4 block, shipments, refunds, events, links or the test clock, and a listing
  // not even the payment use case or the acquirer. About 20 files, a few ms of every run.
  const SERVICE_ONLY = ['engine/local/v4.js', 'engine/local/v4-payments.js', 'engine/local/links/index.js'];
  const OTHER_USE_CASES = [
    'engine/local/shipments.js',
    'engine/local/refunds.js',
    'engine/local/events.js',
    'engine/local/clock.js',
    'util/duration.js',
    'engine/local/settle.js',
    'engine/local/pending-payment.js',
  ];
  // A database already current needs no migration SQL (store/sqlite/migration-versions.ts), and a
  // command no checkpointer thread (that is esipay serve's).
  const STORE_UPGRADE_AND_SERVE = [
    'store/sqlite/migrations.js',
    'store/sql/totals-migration.js',
    'store/sql/sealed-secrets.js',
    'store/sqlite/checkpointer.js',
  ];
  const loadedOf = (modules: string[], names: string[]) => names.filter((n) => modules.includes(n));

  it('esipay pay loads the payment use case only: not the V4 block, links, shipments, refunds, events or the clock', async () => {
    const r = await run(['pay', '10.00', '--card', '4111111111111111', '--expiry', '12/2030', '--cid', 'lazy-engine', '--json']);
    assert.equal(JSON.parse(r.stdout).status, 'PAID');
    assert.ok(r.modules.includes('engine/local/payments.js'), 'the trace sees the modules of the checkout');
    assert.deepEqual(
      loadedOf(r.modules, [...SERVICE_ONLY, ...OTHER_USE_CASES, 'engine/local/transactions.js', ...STORE_UPGRADE_AND_SERVE]),
      [],
    );
  });

  it('esipay tx list loads the listing use case only: not the payment one, the acquirer or the V4 block', async () => {
    const r = await run(['tx', 'list', '--json']);
    assert.ok(Array.isArray(JSON.parse(r.stdout).items));
    assert.ok(r.modules.includes('engine/local/transactions.js'), 'the trace sees the modules of the checkout');
    const payment = ['engine/local/payments.js', 'acquirer/simulator.js', 'acquirer/time-limit.js', 'cli/render-events.js'];
    assert.deepEqual(loadedOf(r.modules, [...SERVICE_ONLY, ...OTHER_USE_CASES, ...payment, ...STORE_UPGRADE_AND_SERVE]), []);
  });

  it('esipay tx list --json lists without loading undici, zod, conf or chalk', async () => {
    const r = await run(['tx', 'list', '--json']);
    assert.ok(JSON.parse(r.stdout).items.some((t: { cid: string }) => t.cid === 'lazy-1'));
    for (const heavy of ['undici', 'zod', 'conf', 'chalk', 'ink', 'react', 'pg'])
      assert.ok(!r.imports.includes(heavy), `esipay tx list loaded ${heavy}`);
  });

  it('esipay batch pay and tx export run without loading undici, zod, conf or chalk', async () => {
    const file = join(home.home, 'lazy.csv');
    writeFileSync(file, 'amount,card,expiry,cid\n1.00,4111111111111111,12/2030,lazy-batch\n');
    const batch = await run(['batch', 'pay', file]);
    assert.equal(JSON.parse(batch.stdout).status, 'PAID');
    const exported = await run(['tx', 'export', '--format', 'csv']);
    assert.match(exported.stdout, /,lazy-batch,/);
    for (const r of [batch, exported])
      for (const heavy of ['undici', 'zod', 'conf', 'chalk', 'ink', 'react', 'pg'])
        assert.ok(!r.imports.includes(heavy), `it loaded ${heavy}`);
  });
});
