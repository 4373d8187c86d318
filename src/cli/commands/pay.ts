import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { formatMoney } from '../../money/amount.js';
import type { CommandSpec, PlainCommand } from '../command-line.js';
import { declareCommand } from '../declare.js';
import { askAmount, cardFrom, merchantOrPick, missingArgument, refuseMissing } from '../prompt.js';
import { renderTransaction } from '../render.js';
import { action } from '../run-action.js';

const spec: CommandSpec = {
  name: 'pay',
  args: [{ name: '[amount]', description: "the amount, in the merchant's currency (asked for on a terminal when left out)" }],
  description: "pay by card: authorise, call the merchant's return URL, PAID only if it answers 200",
  options: [
    { flags: '--card <number>', description: 'card number (never stored: only first 6, last 4 and a keyed hash)' },
    { flags: '--expiry <MM/YYYY>', description: 'card expiry, MM/YYYY or MM/YY' },
    {
      flags: '--cid <reference>',
      description: 'merchant payment reference; repeating it with the same payment charges once (default: a new one)',
    },
  ],
};

const run = action(async (ctx, amountArg: string | undefined, opts: { card?: string; expiry?: string; cid?: string }) => {
  refuseMissing(amountArg === undefined, () => missingArgument('amount', 'pay'));
  const merchant = await merchantOrPick(ctx);
  const amount =
    amountArg ??
    (await askAmount({ label: 'Amount', currency: (await (await ctx.openEngine()).getMerchant(merchant)).currency }, () =>
      missingArgument('amount', 'pay'),
    ));
  const card = await cardFrom(opts);
  const cid = opts.cid ?? `cli-${randomBytes(6).toString('hex')}`;
  const engine = await ctx.openEngine();
  const tx = await engine.pay({ merchant, cid, amount, card });
  ctx.out.result(tx, () => renderTransaction(ctx.out.color, tx));
  if (!ctx.out.json) ctx.out.info(`Paid ${formatMoney(tx.amount, tx.currency)}. Refund with: esipay refund ${tx.id} [amount]`);
});

/** esipay pay: runs from a plain command line without commander (src/cli/main.ts). */
export const pay: PlainCommand = { spec, run };

export function registerPay(program: Command): void {
  declareCommand(program, spec).action(run);
}
