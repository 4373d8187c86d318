import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, runCli, tempHome } from '../helpers/cli.js';

const COMMANDS = [
  'merchant',
  'pay',
  'link',
  'refund',
  'shipment',
  'tx',
  'batch',
  'events',
  'tui',
  'verify',
  'listen',
  'trigger',
  'serve',
  'clock',
  'db',
  'config',
  'completion',
];
const GLOBALS = ['--engine', '--db', '--url', '--token', '--merchant', '--json', '--color', '--no-color', '--help'];

describe('esipay completion: the candidates at the cursor (esipay __complete WORDS… CURRENT)', () => {
  let home: ReturnType<typeof tempHome>;
  before(() => {
    home = tempHome();
  });
  after(() => home.cleanup());

  /** The candidates for the last word, without their descriptions. */
  const candidates = async (...words: string[]) => {
    const r = await runCli(['__complete', ...words], { home: home.home });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0]!);
  };

  it('offers the commands, then the subcommands, with their descriptions', async () => {
    assert.deepEqual(await candidates(''), COMMANDS);
    assert.deepEqual(await candidates('merchant', ''), ['register', 'list', 'show', 'rotate-secret', 'update', 'disable', 'enable']);
    assert.deepEqual(await candidates('t'), ['tx', 'tui', 'trigger']);
    const described = await runCli(['__complete', 'p'], { home: home.home });
    assert.match(described.stdout, /^pay\tpay by card: authorise/m);
  });

  it("after a positional argument: esipay pay 74.12 --<Tab> offers pay's options and the global ones, each once", async () => {
    const offered = await candidates('pay', '74.12', '--');
    assert.deepEqual(offered, ['--card', '--expiry', '--cid', ...GLOBALS]);
    assert.equal(new Set(offered).size, offered.length, 'no duplicates');
    assert.deepEqual(await candidates('pay', '74.12', '--c'), ['--card', '--cid', '--color']);
    // Its one argument given, the next word can only be an option.
    assert.deepEqual(await candidates('pay', '74.12', ''), ['--card', '--expiry', '--cid', ...GLOBALS]);
    // Its argument not given yet: nothing to offer for an amount (the shell may offer files).
    assert.deepEqual(await candidates('pay', ''), []);
  });

  it('after an option value: esipay --engine remote <Tab> offers the commands', async () => {
    assert.deepEqual(await candidates('--engine', 'remote', ''), COMMANDS);
    assert.deepEqual(await candidates('--db', '/tmp/x.db', '--merchant', 'm', 't'), ['tx', 'tui', 'trigger']);
    assert.deepEqual(await candidates('--engine=remote', 'merchant', 'l'), ['list']);
  });

  it('lists the global options once at the top, --version only there', async () => {
    const offered = await candidates('--');
    assert.deepEqual(offered, ['--version', ...GLOBALS]);
    assert.ok(!(await candidates('tx', 'list', '--')).includes('--version'));
  });

  it('completes option values: --engine, --color, --mode, --kind (a comma-separated list)', async () => {
    assert.deepEqual(await candidates('--engine', ''), ['local', 'remote']);
    assert.deepEqual(await candidates('tx', 'list', '--engine', 'r'), ['remote']);
    assert.deepEqual(await candidates('--engine=l'), ['--engine=local']);
    assert.deepEqual(await candidates('--color', ''), ['always', 'never', 'auto']);
    assert.deepEqual(await candidates('link', 'create', '10', '--mode', ''), ['pay_now', 'multi_pay', 'pay_later']);
    assert.deepEqual(await candidates('tx', 'list', '--kind', ''), ['card', 'initial', 'shipment', 'link']);
    assert.deepEqual(await candidates('tx', 'list', '--kind', 'card,'), ['card,initial', 'card,shipment', 'card,link']);
    assert.deepEqual(await candidates('tx', 'list', '--kind=card,s'), ['--kind=card,shipment']);
    // A value with nothing to offer (a number, a path) offers nothing: the shell completes files.
    assert.deepEqual(await candidates('tx', 'list', '--limit', ''), []);
    assert.deepEqual(await candidates('tx', 'export', '--status', 'PAID,R'), ['PAID,REFUNDED']);
    assert.deepEqual(await candidates('tx', 'export', '--format', ''), ['csv', 'ndjson']);
    assert.deepEqual(await candidates('batch', 'pay', 'f.csv', '--format', 'n'), ['ndjson']);
    assert.deepEqual(await candidates('--db', ''), []);
  });

  it('completes argument values: the shells of `completion`, config keys and their values', async () => {
    assert.deepEqual(await candidates('completion', ''), ['bash', 'zsh', 'fish']);
    const keys = ['engine', 'db', 'url', 'token', 'merchant', 'callbackTimeout', 'publicUrl'];
    assert.deepEqual(await candidates('config', 'get', ''), keys);
    assert.deepEqual(await candidates('config', 'unset', 'm'), ['merchant']);
    assert.deepEqual(await candidates('config', 'set', ''), keys);
    assert.deepEqual(await candidates('config', 'set', 'engine', ''), ['local', 'remote']);
    assert.deepEqual(await candidates('config', 'set', 'url', ''), []);
  });

  it('completes merchants from the local database, newest first, without creating one', async () => {
    const { join } = await import('node:path');
    const { existsSync } = await import('node:fs');
    const db = join(home.home, 'merchants.db');
    assert.deepEqual(await candidates('--db', db, 'pay', '1.00', '--merchant', ''), [], 'no database: nothing, and none made');
    assert.equal(existsSync(db), false);
    const made: string[] = [];
    for (const name of ['Old', 'New']) {
      const r = await runCli(
        ['--db', db, 'merchant', 'register', '--name', name, '--ip', '127.0.0.1', '--return-url', 'http://127.0.0.1:1/paid', '--json'],
        {
          home: home.home,
        },
      );
      assert.equal(r.code, 0, r.stderr);
      made.push(r.json().uuid);
    }
    assert.deepEqual(await candidates('--db', db, 'pay', '1.00', '--merchant', ''), [made[1], made[0]]);
    assert.deepEqual(await candidates('--db', db, 'merchant', 'show', ''), [made[1], made[0]]);
    const typed = `--merchant=${made[0]!.slice(0, 13)}`;
    assert.deepEqual(await candidates('--db', db, 'tx', 'list', typed), [`--merchant=${made[0]}`]);
    assert.deepEqual(
      await candidates('--engine', 'remote', '--db', db, 'pay', '1', '--merchant', ''),
      [],
      'a remote engine: no local lookup',
    );
  });

  it('after --, every word is an argument', async () => {
    assert.deepEqual(await candidates('pay', '--', '-'), []);
  });
});

describe('esipay completion SHELL: loaders that ask esipay, never a stale copy of the tree', () => {
  let home: ReturnType<typeof tempHome>;
  before(() => {
    home = tempHome();
  });
  after(() => home.cleanup());

  it('bash: the script, sourced, completes through esipay __complete, --opt=value included', () => {
    const script = `
      esipay() { "${process.execPath}" "${BIN}" "$@"; }
      eval "$(esipay completion bash)"
      t() { COMP_LINE="$1"; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=($2); [[ "$2" == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _esipay; echo "\${COMPREPLY[*]}"; }
      t "esipay pay 74.12 --c" "esipay pay 74.12 --c"
      t "esipay --engine remote t" "esipay --engine remote t"
      t "esipay --color=al" "esipay --color = al"
    `;
    const r = spawnSync('bash', ['-c', script], {
      env: { ...process.env, ESIPAY_HOME: home.home, PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['--card --cid --color', 'tx tui trigger', 'always']);
  });

  it('zsh is a native completion function, fish calls esipay too', async () => {
    const zsh = (await runCli(['completion', 'zsh'], { home: home.home })).stdout;
    assert.match(zsh, /^#compdef esipay$/m);
    assert.match(zsh, /compdef _esipay esipay/);
    assert.match(zsh, /_describe /);
    assert.doesNotMatch(zsh, /bashcompinit/);
    const fish = (await runCli(['completion', 'fish'], { home: home.home })).stdout;
    for (const script of [zsh, fish]) assert.match(script, /esipay __complete/);
  });
});
