import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command, CommanderError } from 'commander';
import fc from 'fast-check';
import { type CommandSpec, commandWord, parsePlain } from '../../src/cli/command-line.js';
import { pay } from '../../src/cli/commands/pay.js';
import { refund } from '../../src/cli/commands/refund.js';
import { tx } from '../../src/cli/commands/tx.js';
import { declareCommand, declareOption } from '../../src/cli/declare.js';
import { GLOBAL_OPTIONS } from '../../src/cli/global-options.js';

/**
 * `esipay pay` and `esipay refund` run without commander when their command line is plain
 * (src/cli/main.ts). What the plain parser takes must be what commander makes of the same words:
 * the same arguments, options and global options, or scripts would pay, refund or act for another
 * merchant differently depending on how they spell a flag.
 */

interface Parsed {
  args: unknown[];
  opts: Record<string, unknown>;
  globals: Record<string, unknown>;
}

/** What commander hands the command's action for `words`, or the error it stops with. */
function commanderParse(spec: CommandSpec, words: string[]): Parsed | { error: string } {
  const program = new Command('esipay').version('0.0.0', '-V, --version').exitOverride();
  program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  for (const o of GLOBAL_OPTIONS) program.addOption(declareOption(program, o));
  let parsed: Parsed | undefined;
  const parent = spec.group ? program.command(spec.group).exitOverride() : program;
  parent.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  const cmd = declareCommand(parent, spec)
    .exitOverride()
    .action((...args: unknown[]) => {
      parsed = { args: args.slice(0, -2), opts: { ...cmd.opts() }, globals: { ...program.opts() } };
    });
  cmd.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  try {
    program.parse(words, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return { error: e.code };
    throw e;
  }
  return parsed ?? { error: 'no action' };
}

const WORDS = [
  ...['pay', 'refund', 'tx', 'help', '10.00', '0.5', '-5', '-', 'tx_1', 'order-1', 'a=b'],
  ...['--card', '4111111111111111', '--expiry', '12/2030', '--cid', '--idempotency-key', 'k-1', '--yes', '-y'],
  ...['--json', '--merchant', '5ddcd0a4-47fd-4f6f-aa4a-a7819de2a246', '--db', '/tmp/e.db', '--url', 'http://127.0.0.1:1'],
  ...['--token', 't', '--engine', 'local', 'remote', 'mars', '--color', 'always', 'never', 'auto', 'purple', '--no-color'],
  ...['--bogus', '--', '-h', '--help', '-V', '--version', '--card=4111111111111111', '--cid=', '--json=1', '--engine=remote'],
  ...['--color=never', '--merchant=m-1', '--no-color=1', '--car', '-j'],
  ...['list', 'show', 'export', '--limit', '10', 'abc', '--all', '--format', 'csv', 'ndjson', '--kind', 'card', '--since', '2026-01-01'],
];

const SPECS = [pay.spec, refund.spec, ...tx.map((c) => c.spec)];
const pathOf = (spec: CommandSpec) => (spec.group ? [spec.group, spec.name] : [spec.name]);

/** Command lines as scripts write them, every one plain. */
const SCRIPTED: Readonly<Record<string, string[][]>> = {
  pay: [
    ['pay', '10.00', '--card', '4111111111111111', '--expiry', '12/2030', '--cid', 'order-1', '--json'],
    ['--json', '--merchant', 'm-1', 'pay', '74.12', '--card=4111111111111111', '--expiry=12/30'],
    ['--db', '/tmp/e.db', 'pay', '5', '--no-color', '--card', '4111111111111111', '--expiry', '12/2030'],
  ],
  refund: [
    ['refund', 'tx_1', '1.00', '--json'],
    ['refund', 'tx_1', '--idempotency-key', 'k-1', '--yes', '--merchant', 'm-1'],
    ['--engine', 'remote', '--url', 'http://127.0.0.1:1', 'refund', 'tx_1'],
  ],
  'tx list': [
    ['tx', 'list', '--json'],
    ['tx', '--json', 'list', '--limit', '10', '--status', 'PAID', '--since', '2026-01-01'],
    ['--merchant', 'm-1', 'tx', 'list', '--all', '--cid=order-1'],
  ],
  'tx show': [
    ['tx', 'show', 'tx_1', '--json'],
    ['--merchant', 'm-1', 'tx', 'show', 'tx_1'],
  ],
  'tx export': [
    ['tx', 'export', '--format', 'csv'],
    ['tx', 'export', '--format=ndjson', '--output', '/tmp/tx.ndjson', '--kind', 'card,link'],
  ],
};

for (const spec of SPECS) {
  const name = pathOf(spec).join(' ');
  describe(`esipay ${name}: a plain command line means what commander makes of it`, () => {
    it('random command lines: whatever the plain parser takes, commander parses to the same values', () => {
      let taken = 0;
      // Mostly an option and its value, a flag or a positional; now and then any word at all.
      const value = fc.constantFrom(
        '10.00',
        '4111111111111111',
        '12/2030',
        'order-1',
        'local',
        'remote',
        'never',
        'm-1',
        '',
        '-1',
        '10',
        'x',
        'csv',
      );
      const withValue = [...GLOBAL_OPTIONS, ...spec.options].filter((o) => o.flags.includes('<')).map((o) => o.flags.split(' ')[0]!);
      const token = fc.oneof(
        { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...withValue), value) },
        { weight: 2, arbitrary: fc.constantFrom(['--json'], ['--no-color'], ['--yes'], ['--all'], ['10.00'], ['tx_1']) },
        { weight: 1, arbitrary: fc.constantFrom(...WORDS).map((w) => [w]) },
      );
      const tokens = (max: number) => fc.array(token, { maxLength: max }).map((t) => t.flat());
      // Half the lines give the command's required arguments first: the rest of the line decides.
      const required = spec.args.filter((a) => a.name.startsWith('<')).map(() => 'tx_1');
      fc.assert(
        fc.property(tokens(2), fc.boolean(), tokens(5), (before, withRequired, after) => {
          const words = [...before, ...pathOf(spec), ...(withRequired ? required : []), ...after];
          const plain = parsePlain(words, spec, GLOBAL_OPTIONS);
          if (!plain) return;
          taken++;
          assert.deepEqual(commanderParse(spec, words), { args: plain.args, opts: plain.opts, globals: plain.globals }, words.join(' '));
        }),
        { numRuns: 3000, seed: 20261202 },
      );
      // Not a test that passes by declining everything: a good share of the lines are plain.
      assert.ok(taken > 200, `only ${taken} of 3000 command lines were plain`);
    });

    it('what scripts write is plain', () => {
      const lines = SCRIPTED[name]!;
      for (const words of lines) {
        const plain = parsePlain(words, spec, GLOBAL_OPTIONS);
        assert.ok(plain, words.join(' '));
        assert.deepEqual(commanderParse(spec, words), { args: plain.args, opts: plain.opts, globals: plain.globals });
      }
    });

    it('help, versions, short options, --, repeats, bad choices and missing values are left to commander', () => {
      const base = SCRIPTED[name]![0]!;
      for (const extra of [
        ['--help'],
        ['-h'],
        ['-V'],
        ['--', '5'],
        ['--json', '--json'],
        ['--color', 'purple'],
        ['--engine', 'mars'],
        ['--merchant'],
        ['--merchant', '--json'],
        ['--bogus'],
        ['--json=1'],
        ['a', 'b', 'c', 'd'],
      ]) {
        assert.equal(parsePlain([...base, ...extra], spec, GLOBAL_OPTIONS), undefined, [...base, ...extra].join(' '));
      }
      assert.equal(parsePlain(['merchant', 'list'], spec, GLOBAL_OPTIONS), undefined);
      // A command's own option before the command is the program's unknown option.
      for (const option of spec.options) {
        const own = option.flags.split(/[ ,]+/).find((f) => f.startsWith('--'))!;
        assert.equal(parsePlain([own, 'x', ...pathOf(spec)], spec, GLOBAL_OPTIONS), undefined, own);
      }
    });
  });
}

describe('the command word of a command line', () => {
  it('is its first word that is neither an option nor the value of a global option', () => {
    assert.equal(commandWord(['--db', 'pay', 'refund', 'x'], GLOBAL_OPTIONS), 'refund');
    assert.equal(commandWord(['--json', 'pay'], GLOBAL_OPTIONS), 'pay');
    assert.equal(commandWord(['--', 'pay'], GLOBAL_OPTIONS), undefined);
    assert.equal(commandWord(['--merchant=m', 'tx', 'list'], GLOBAL_OPTIONS), 'tx');
  });

  it('no command declared as data has an option of the program (the program would take it first)', () => {
    const globals = new Set(GLOBAL_OPTIONS.map((o) => o.flags.split(' ')[0]));
    for (const spec of SPECS) {
      for (const o of spec.options) for (const flag of o.flags.split(/[ ,]+/)) assert.ok(!globals.has(flag), `${spec.name} ${flag}`);
    }
  });
});
