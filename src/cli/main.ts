import { Command, Option } from 'commander';

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
  { name: 'tui', load: async () => (await import('./commands/tui.js')).registerTui },
  { name: 'verify', load: async () => (await import('./commands/verify.js')).registerVerify },
  { name: 'listen', load: async () => (await import('./commands/listen.js')).registerListen },
  { name: 'serve', load: async () => (await import('./commands/serve.js')).registerServe },
  { name: 'db', load: async () => (await import('./commands/db.js')).registerDb },
  { name: 'config', load: async () => (await import('./commands/config.js')).registerConfig },
  { name: 'completion', load: async () => (await import('./commands/completion.js')).registerCompletion },
];

/** The program's options that take a value: the word after one is not the command. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--engine', '--db', '--url', '--token', '--merchant']);

/** The command a command line names (its first word that is not an option or an option's value). */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return undefined;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * The esipay command tree: the command `args` names, or every command. Each register* only
 * declares a command; engines, databases, undici, ink and react are imported inside the actions
 * that use them, so `esipay --help` stays light.
 */
export async function buildProgram(version: string, args: readonly string[] = []): Promise<Command> {
  const program = new Command('esipay')
    .description('esipay: card payments, refunds, shipment debits and payment links, from the terminal or as a service')
    .version(version, '-V, --version')
    .addOption(
      new Option('--engine <engine>', 'where commands run: local (embedded SQLite, default) or remote (an esipay service)').choices([
        'local',
        'remote',
      ]),
    )
    .option('--db <path|url>', 'local engine database: SQLite file or postgres:// URL (env ESIPAY_DB)')
    .option('--url <url>', 'remote engine: the service URL, e.g. http://127.0.0.1:6543 (env ESIPAY_URL)')
    .option('--token <token>', 'remote engine: operator token (env ESIPAY_TOKEN)')
    .option('--merchant <uuid>', 'merchant to act for (env ESIPAY_MERCHANT, or config)')
    .option('--json', 'print exactly one JSON document on stdout')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      outputError: (str, write) => write(str),
    })
    .exitOverride();

  const word = commandWord(args);
  const named = word === 'completion' ? undefined : COMMANDS.find((c) => c.name === word);
  const registers = await Promise.all((named ? [named] : COMMANDS).map((c) => c.load()));
  for (const register of registers) register(program);

  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 2 invalid input or usage, 3 forbidden, 4 refused or cancelled, 5 unavailable, 1 a bug.
Quick start:
  esipay merchant register --name Boutique --ip 127.0.0.1 --return-url http://127.0.0.1:4242/paid
  esipay listen --port 4242 &
  esipay pay 74.12 --card 4111111111111111 --expiry 12/2030 --cid order-1 --merchant <uuid>`,
  );
  return program;
}

export async function main(argv: string[], version: string): Promise<void> {
  // A reader that stops early (`esipay --help | head`, `esipay tx list | head`) is not an error:
  // the rest of the output goes nowhere and the command finishes as it would have (a payment is
  // still recorded, `esipay listen` and `esipay serve` keep serving), with its own exit code.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
  const program = await buildProgram(version, argv.slice(2));
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e as { code?: string; exitCode?: number };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
      process.exitCode = 0;
    } else if (typeof err.code === 'string' && err.code.startsWith('commander.')) {
      process.exitCode = 2; // usage error: commander already printed it
    } else {
      throw e;
    }
  }
}
