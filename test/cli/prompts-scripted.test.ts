import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, registerMerchant, runCli, tempHome } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { runInPty } from './pty.js';

const PAN = '4111111111111111';
const CARD = ['--card', PAN, '--expiry', '12/2030'];

/**
 * Where no person can answer (no terminal, or CI set) nothing is asked: a command that lacks
 * something fails at once, exit 2, naming the flag or argument to pass, as it always has.
 */
describe('esipay without a terminal asks nothing: it names what is missing', () => {
  let home: ReturnType<typeof tempHome>;
  let receiver: Receiver;
  let merchant: string;
  let initial: string;

  before(async () => {
    home = tempHome();
    receiver = await startReceiver(200);
    merchant = (await registerMerchant(home.home, `${receiver.url}/paid`)).uuid;
    const init = await runCli(['shipment', 'init', '50.00', '--merchant', merchant, ...CARD, '--json'], { home: home.home });
    assert.equal(init.code, 0, init.stderr);
    initial = init.json().id;
  });
  after(async () => {
    await receiver.close();
    home.cleanup();
  });

  const link = ['--payment-reference', 'inv-1', '--consumer-reference', 'c-1', '--email', 'buyer@example.com'];
  const cases: [string, () => string[], string, RegExp][] = [
    ['a payment without its card', () => ['pay', '1.00', '--merchant', merchant], 'missing_option', /--card is required \(pass --card/],
    [
      'a payment without its expiry',
      () => ['pay', '1.00', '--merchant', merchant, '--card', PAN],
      'missing_option',
      /--expiry is required/,
    ],
    ['a payment without a merchant', () => ['pay', '1.00', ...CARD], 'missing_merchant', /no merchant given/],
    [
      'an initial authorisation without its amount',
      () => ['shipment', 'init', '--merchant', merchant, ...CARD],
      'missing_argument',
      /missing required argument 'amount'/,
    ],
    [
      'a shipment without its amount',
      () => ['shipment', 'ship', initial, '--merchant', merchant],
      'missing_argument',
      /missing required argument 'amount'/,
    ],
    [
      'a link without a phone number',
      () => ['link', 'create', '5.00', ...link, '--callback-url', `${receiver.url}/cb`, '--merchant', merchant],
      'missing_option',
      /required option '--phone <number>' not specified/,
    ],
    [
      'a merchant without its address',
      () => ['merchant', 'register', '--name', 'Shop', '--return-url', `${receiver.url}/paid`],
      'missing_option',
      /pass --ip/,
    ],
  ];
  for (const [what, args, code, message] of cases) {
    it(`${what}: exit 2, the error says what to pass`, async () => {
      const r = await runCli([...args(), '--json'], { home: home.home });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.json().error.code, code);
      assert.match(r.stderr, message);
      assert.ok(!(r.stdout + r.stderr).includes(PAN));
    });
  }

  it('a refund without a terminal is made at once, unasked, as before', async () => {
    const paid = await runCli(['pay', '10.00', '--merchant', merchant, ...CARD, '--json'], { home: home.home });
    const r = await runCli(['refund', paid.json().id, '4.00', '--json'], { home: home.home });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json().transaction.remaining, 600);
  });

  it('on a terminal with CI set, nothing is asked either', async () => {
    const r = await runInPty(['pay', '1.00', '--merchant', merchant], { home: home.home, env: { CI: '1' } });
    assert.equal(r.code, 2, r.output);
    assert.match(r.output, /--card is required/);
  });

  it('on a terminal whose stdout goes to a file, nothing is asked either', async () => {
    const out = join(home.home, 'out.json');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CI' && !k.startsWith('ESIPAY_')) env[k] = v;
    env.ESIPAY_HOME = home.home;
    // stdin and stderr are the terminal `script` makes; stdout is the file.
    const command = `'${process.execPath}' '${BIN}' pay 1.00 --merchant ${merchant} --json > '${out}'`;
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 2, output);
    assert.match(output, /--card is required/);
  });
});
