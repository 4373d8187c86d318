import { Command, CommanderError } from 'commander';
import { EsipayError, EXIT_CODES } from '../domain/errors.js';
import { oneLine } from '../util/printable.js';
import { commandWord } from './command-line.js';
import { declareOption } from './declare.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import { addHelpSections, commandPath } from './help.js';
import { applyColorFlag, Output, terminalWidth } from './output.js';
import { errorDocument, reportError } from './run-action.js';

/**
 * esipay's command tree in commander: every command line that is not plain (src/cli/main.ts),
 * help, usage errors and completion.
 */

type Register = (program: Command) => void;

/**
 * Every command, in the order `esipay --help` lists them, and the module that declares it. A
 * command line that names one loads only that module: `esipay pay` does not load the modules of
 * twelve other commands (about 10 ms of a command that takes 80). Help, completion (which walks
 * the whole tree) and anything unrecognised load them all.
 */
const COMMANDS: readonly { name: string; load: () => Promise<Register> }[] = [
  { name: 'merchant', load: async () => (await import('./commands/merchant.js')).registerMerchant },
  { name: 'pay', load: async () => (await import('./commands/pay.js')).registerPay },
  { name: 'link', load: async () => (await import('./commands/link.js')).registerLink },
  { name: 'refund', load: async () => (await import('./commands/refund.js')).registerRefund },
  { name: 'shipment', load: async () => (await import('./commands/shipment.js')).registerShipment },
  { name: 'tx', load: async () => (await import('./commands/tx.js')).registerTx },
  { name: 'batch', load: async () => (await import('./commands/batch.js')).registerBatch },
  { name: 'events', load: async () => (await import('./commands/events.js')).registerEvents },
  { name: 'tui', load: async () => (await import('./commands/tui.js')).registerTui },
  { name: 'verify', load: async () => (await import('./commands/verify.js')).registerVerify },
  { name: 'listen', load: async () => (await import('./commands/listen.js')).registerListen },
  { name: 'trigger', load: async () => (await import('./commands/trigger.js')).registerTrigger },
  { name: 'serve', load: async () => (await import('./commands/serve.js')).registerServe },
  { name: 'clock', load: async () => (await import('./commands/clock.js')).registerClock },
  { name: 'db', load: async () => (await import('./commands/db.js')).registerDb },
  { name: 'config', load: async () => (await import('./commands/config.js')).registerConfig },
  { name: 'completion', load: async () => (await import('./commands/completion.js')).registerCompletion },
];

/**
 * The esipay command tree: the command `args` names, or every command. Each register* only
 * declares a command; engines, databases, undici, ink and react are imported inside the actions
 * that use them, so `esipay --help` stays light.
 */
export async function buildProgram(version: string, args: readonly string[] = []): Promise<Command> {
  const program: Command = new Command('esipay')
    .description('esipay: card payments, refunds, shipment debits and payment links, from the terminal or as a service')
    .version(version, '-V, --version');
  for (const spec of GLOBAL_OPTIONS) program.addOption(declareOption(program, spec));
  program
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      outputError: (str, write) => write(str),
      getOutHelpWidth: () => terminalWidth(process.stdout),
      getErrHelpWidth: () => terminalWidth(process.stderr),
    })
    .hook('preAction', () => applyColorFlag(program.opts(), (on) => program.setOptionValue('color', on)))
    .exitOverride();

  const word = commandWord(args, GLOBAL_OPTIONS);
  const named = word === 'completion' ? undefined : COMMANDS.find((c) => c.name === word);
  const registers = await Promise.all((named ? [named] : COMMANDS).map((c) => c.load()));
  for (const register of registers) register(program);
  addHelpSections(program);

  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 2 invalid input or usage, 3 forbidden, 4 refused or cancelled, 5 unavailable, 6 cancelled at a prompt, 1 a bug.
With --json every result and every error (usage errors included) is one JSON document on stdout.
Tables fit the terminal's width (else COLUMNS, else 80); piped output keeps whole lines.
Examples (the quick start):
  esipay merchant register --name Boutique --ip 127.0.0.1 --return-url http://127.0.0.1:4242/paid
  esipay listen --port 4242 &
  esipay pay 74.12 --card 4111111111111111 --expiry 12/2030 --cid order-1 --merchant <uuid>`,
  );
  return program;
}

/** Parses the command line with commander and runs the command it names. */
export async function runProgram(argv: string[], version: string): Promise<void> {
  const args = argv.slice(2);
  const program = await buildProgram(version, args);
  if (args[0] === '__complete') {
    // The completion scripts' entry point: candidates for the last word, one per line.
    const { complete } = await import('./complete.js');
    const lines = complete(program, args.slice(1)).map((c) => (c.description ? `${c.value}\t${oneLine(c.description)}` : c.value));
    process.stdout.write(lines.length > 0 ? lines.join('\n') + '\n' : '');
    return;
  }
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const json = wantsJson(args);
    if (!(e instanceof CommanderError)) {
      // Thrown while parsing, outside any action (a parser's own error): reported the same way.
      process.exitCode = reportError(new Output(json), e);
    } else if (
      e.code === 'commander.helpDisplayed' ||
      e.code === 'commander.version' ||
      (e.code === 'commander.help' && e.exitCode === 0)
    ) {
      process.exitCode = 0;
    } else {
      // A usage error: commander already said it on stderr; with --json, its document on stdout.
      const { walk } = await import('./complete.js');
      const error = usageError(e, walk(program, args).cmd);
      if (json) process.stdout.write(JSON.stringify(errorDocument(error), null, 2) + '\n');
      process.exitCode = EXIT_CODES.invalid;
    }
  }
}

/** Whether the command line asks for JSON (before a `--` that ends the options). */
function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

/** Commander's codes, as esipay's error codes. */
const USAGE_CODES: Readonly<Record<string, string>> = {
  'commander.unknownCommand': 'unknown_command',
  'commander.unknownOption': 'unknown_option',
  'commander.missingArgument': 'missing_argument',
  'commander.optionMissingArgument': 'missing_option_value',
  'commander.missingMandatoryOptionValue': 'missing_option',
  'commander.invalidArgument': 'invalid_value',
  'commander.excessArguments': 'too_many_arguments',
  'commander.conflictingOption': 'conflicting_options',
  'commander.help': 'missing_command',
};

/** A commander usage error as an EsipayError: one-line message, what commander suggested, where the help is. */
function usageError(e: CommanderError, cmd: Command): EsipayError {
  const path = `esipay ${commandPath(cmd)}`.trim();
  const help = `see \`${path} --help\``;
  if (e.code === 'commander.help') {
    const names = cmd.commands.map((c) => c.name()).join(', ');
    return new EsipayError('invalid', 'missing_command', `${path} needs a command`, `one of: ${names}; ${help}`);
  }
  const [first = '', ...rest] = e.message.split('\n');
  // "(Did you mean pay?)" on the line after the message: the start of the hint.
  const suggestion = rest
    .map((l) => l.trim().replace(/^\((.*)\)$/, '$1'))
    .filter(Boolean)
    .map((l) => l.charAt(0).toLowerCase() + l.slice(1));
  const message = first.replace(/^error: /, '');
  return new EsipayError('invalid', USAGE_CODES[e.code] ?? 'usage', message, [...suggestion, help].join(' '));
}
