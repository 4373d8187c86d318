import { Command, Option } from 'commander';
import { registerCompletion } from './commands/completion.js';
import { registerConfig } from './commands/config.js';
import { registerDb } from './commands/db.js';
import { registerLink } from './commands/link.js';
import { registerListen } from './commands/listen.js';
import { registerMerchant } from './commands/merchant.js';
import { registerPay } from './commands/pay.js';
import { registerRefund } from './commands/refund.js';
import { registerServe } from './commands/serve.js';
import { registerShipment } from './commands/shipment.js';
import { registerTx } from './commands/tx.js';
import { registerTui } from './commands/tui.js';
import { registerVerify } from './commands/verify.js';

/**
 * The esipay command tree. Each register* only declares a command; engines, databases, undici,
 * ink and react are imported inside the actions that use them, so `esipay --help` stays light.
 */
export function buildProgram(version: string): Command {
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

  registerMerchant(program);
  registerPay(program);
  registerLink(program);
  registerRefund(program);
  registerShipment(program);
  registerTx(program);
  registerTui(program);
  registerVerify(program);
  registerListen(program);
  registerServe(program);
  registerDb(program);
  registerConfig(program);
  registerCompletion(program);

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
  const program = buildProgram(version);
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
