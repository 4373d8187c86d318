import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildProgram } from '../../src/cli/program.js';
import { commandPath, subcommands } from '../../src/cli/help.js';
import { registerMerchant, runCli, tempHome } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { runInPty } from './pty.js';

const ESC = '\x1b[';
const CARD = ['--card', '4111111111111111', '--expiry', '12/2030'];

describe('esipay --json: every failure is one JSON error document on stdout, exit 2', () => {
  let home: ReturnType<typeof tempHome>;
  before(() => {
    home = tempHome();
  });
  after(() => home.cleanup());

  const cases: [string, string[], string, RegExp][] = [
    ['an unknown command', ['frobnicate'], 'unknown_command', /unknown command 'frobnicate'/],
    ['an unknown command close to one', ['py'], 'unknown_command', /unknown command 'py'/],
    ['an unknown option', ['pay', '5', '--bogus'], 'unknown_option', /unknown option '--bogus'/],
    ['a missing argument', ['pay'], 'missing_argument', /missing required argument 'amount'/],
    ['a missing option value', ['pay', '5', '--card'], 'missing_option_value', /'--card <number>' argument missing/],
    ['a missing required option', ['link', 'create', '5'], 'missing_option', /required option '--payment-reference <ref>'/],
    ['a bad option value', ['--engine', 'foo', 'tx', 'list'], 'invalid_value', /argument 'foo' is invalid/],
    ['a bad --color', ['--color', 'purple', 'tx', 'list'], 'invalid_value', /argument 'purple' is invalid/],
    ['a bad argument value', ['completion', 'tcsh'], 'invalid_value', /value 'tcsh' is invalid for argument 'shell'/],
    ['too many arguments', ['refund', 'a', 'b', 'c'], 'too_many_arguments', /too many arguments for 'refund'/],
    ['a group without its command', ['tx'], 'missing_command', /esipay tx needs a command/],
  ];
  for (const [what, args, code, message] of cases) {
    it(`${what}: ${args.join(' ')}`, async () => {
      for (const line of [
        [...args, '--json'],
        ['--json', ...args],
      ]) {
        const r = await runCli(line, { home: home.home });
        assert.equal(r.code, 2, r.stderr);
        const doc = r.json();
        assert.deepEqual(Object.keys(doc), ['error']);
        assert.equal(doc.error.code, code);
        assert.match(doc.error.message, message);
        assert.doesNotMatch(doc.error.message, /\n/, 'one line');
        assert.match(doc.error.hint, /--help`$/);
        // For people, stderr says it too (a group without its command: its help).
        assert.match(r.stderr, code === 'missing_command' ? /^Usage: esipay tx / : message);
      }
    });
  }

  it('a usage error names the help of the command it happened in, and what commander suggests', async () => {
    const r = await runCli(['py', '--json'], { home: home.home });
    assert.equal(r.json().error.hint, 'did you mean pay? see `esipay --help`');
    const sub = await runCli(['merchant', 'list', '--bogus', '--json'], { home: home.home });
    assert.equal(sub.json().error.hint, 'see `esipay merchant list --help`');
  });

  it('without --json a usage error prints nothing on stdout, still exit 2', async () => {
    for (const args of [['frobnicate'], ['pay'], ['tx']]) {
      const r = await runCli(args, { home: home.home });
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
    }
  });

  it('help and version are not failures', async () => {
    for (const args of [['--help'], ['pay', '--help'], ['help', 'pay'], ['--version']]) {
      const r = await runCli([...args, '--json'], { home: home.home });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});

describe('esipay colours', () => {
  let home: ReturnType<typeof tempHome>;
  before(() => {
    home = tempHome();
  });
  after(() => home.cleanup());

  // An error line is red when colours are on: the command fails before it needs a database.
  const failing = ['tx', 'show', 'f'.repeat(32), '--db', '/nonexistent/esipay.db'];
  const colored = async (args: string[], env: Record<string, string> = {}) => {
    const r = await runCli(args, { home: home.home, env });
    assert.equal(r.code, 2, r.stderr);
    return r.stderr.includes(ESC);
  };

  it('are off in a pipe, on with FORCE_COLOR (even with NO_COLOR) or --color=always', async () => {
    assert.equal(await colored(failing), false);
    assert.equal(await colored(['--color', 'auto', ...failing]), false);
    assert.equal(await colored(failing, { FORCE_COLOR: '1' }), true);
    assert.equal(await colored(failing, { FORCE_COLOR: '' }), true);
    assert.equal(await colored(['--color=always', ...failing]), true);
    assert.equal(await colored([...failing, '--color', 'always']), true);
  });

  it('a flag beats the environment: --no-color and --color=never win over FORCE_COLOR', async () => {
    assert.equal(await colored(['--no-color', ...failing], { FORCE_COLOR: '1' }), false);
    assert.equal(await colored(['--color=never', ...failing], { FORCE_COLOR: '1' }), false);
  });

  it('are on on a terminal, off there with NO_COLOR, FORCE_COLOR=0 or --color=never', async () => {
    const onTerminal = async (args: string[], env: Record<string, string> = {}) => (await runInPty(args, { home: home.home, env })).output;
    assert.ok((await onTerminal(failing)).includes(ESC));
    assert.ok(!(await onTerminal(failing, { NO_COLOR: '1' })).includes(ESC));
    assert.ok(!(await onTerminal(failing, { FORCE_COLOR: '0' })).includes(ESC));
    assert.ok(!(await onTerminal(['--color=never', ...failing])).includes(ESC));
  });
});

describe('esipay tx list on a terminal', () => {
  let receiver: Receiver;
  let home: ReturnType<typeof tempHome>;
  let merchant: string;
  before(async () => {
    receiver = await startReceiver(200);
    home = tempHome();
    merchant = (await registerMerchant(home.home, `${receiver.url}/paid`)).uuid;
    const paid = await runCli(['pay', '74.12', ...CARD, '--cid', 'a-rather-long-order-reference-1', '--merchant', merchant], {
      home: home.home,
    });
    assert.equal(paid.code, 0, paid.stderr);
  });
  after(async () => {
    await receiver.close();
    home.cleanup();
  });

  const rows = (output: string) => output.split('\n').filter((l) => l.trim() !== '');

  it('that reports 0 columns is taken as 80 wide, not 0: rows are cut at 80, not to a lone …', async () => {
    const r = await runInPty(['tx', 'list', '--merchant', merchant, '--no-color'], { home: home.home });
    assert.equal(r.code, 0, r.output);
    const lines = rows(r.output);
    assert.match(lines[0]!, /^DATE +ID +CID/);
    assert.match(lines[1]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +[0-9a-f]{32} +a-rather/);
    assert.ok(
      lines.every((l) => l.length <= 80),
      lines.join('\n'),
    );
    assert.ok(lines[1]!.endsWith('…'));
  });

  it('follows COLUMNS when the terminal does not say its width', async () => {
    const r = await runInPty(['tx', 'list', '--merchant', merchant, '--no-color'], { home: home.home, env: { COLUMNS: '100' } });
    const lines = rows(r.output);
    assert.ok(lines.every((l) => l.length <= 100));
    assert.equal(lines[1]!.length, 100, lines[1]);
    const wide = await runInPty(['tx', 'list', '--merchant', merchant, '--no-color'], { home: home.home, env: { COLUMNS: '300' } });
    assert.match(rows(wide.output)[1]!, /74\.12 EUR +0\.00 EUR +74\.12 EUR$/, 'wide enough: the whole row');
  });

  it('in a pipe keeps whole rows', async () => {
    const r = await runCli(['tx', 'list', '--merchant', merchant], { home: home.home, env: { COLUMNS: '40' } });
    assert.match(rows(r.stdout)[1]!, /74\.12 EUR +0\.00 EUR +74\.12 EUR$/);
  });
});

describe('esipay help pages', () => {
  it('every command has examples and names the global options', async () => {
    const home = tempHome();
    try {
      const program = await buildProgram('0.0.0');
      const paths = subcommands(program).map(commandPath);
      assert.ok(paths.length >= 30, `${paths.length} commands`);
      for (const path of paths) {
        const r = await runCli([...path.split(' '), '--help'], { home: home.home });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^Examples?:\n {2}.*esipay /m, `esipay ${path} --help has no examples`);
        assert.match(
          r.stdout,
          /^Global options: --engine, --db, --url, --token, --merchant, --json, --color; see esipay --help$/m,
          `esipay ${path} --help`,
        );
      }
      const top = await runCli(['--help'], { home: home.home });
      assert.match(top.stdout, /^Examples \(the quick start\):\n {2}esipay merchant register/m);
      assert.match(top.stdout, /--color <when>/);
    } finally {
      home.cleanup();
    }
  });
});
