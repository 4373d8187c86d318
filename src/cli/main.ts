import { commandWord, parsePlain, type PlainCommand } from './command-line.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import { applyColorFlag } from './output.js';

/**
 * The commands scripts run thousands of times, declared as data (src/cli/command-line.ts): a
 * plain command line naming one runs it without loading commander, about a tenth of `esipay pay`
 * (docs/performance.md). Every other command line goes to commander (src/cli/program.ts).
 */
const PLAIN_COMMANDS: Readonly<Record<string, () => Promise<readonly PlainCommand[]>>> = {
  pay: async () => [(await import('./commands/pay.js')).pay],
  refund: async () => [(await import('./commands/refund.js')).refund],
  tx: async () => (await import('./commands/tx.js')).tx,
};

export async function main(argv: string[], version: string): Promise<void> {
  // A reader that stops early (`esipay --help | head`, `esipay tx list | head`) is not an error:
  // the rest of the output goes nowhere and the command finishes as it would have (a payment is
  // still recorded, `esipay listen` and `esipay serve` keep serving), with its own exit code.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
  const args = argv.slice(2);
  const word = commandWord(args, GLOBAL_OPTIONS);
  const load = word !== undefined && Object.hasOwn(PLAIN_COMMANDS, word) ? PLAIN_COMMANDS[word] : undefined;
  if (load) for (const command of await load()) if (await runPlain(command, args)) return;
  const { runProgram } = await import('./program.js');
  await runProgram(argv, version);
}

/** Runs `command` when `args` is a plain command line for it; false when commander must parse it. */
async function runPlain(command: PlainCommand, args: readonly string[]): Promise<boolean> {
  const line = parsePlain(args, command.spec, GLOBAL_OPTIONS);
  if (!line) return false;
  const globals = { ...line.globals };
  // What the program's preAction hook does with --color (src/cli/program.ts).
  applyColorFlag(globals, (on) => (globals.color = on));
  await command.run(...line.args, line.opts, { optsWithGlobals: () => ({ ...globals, ...line.opts }) });
  return true;
}
