import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { formatMoney } from '../../money/amount.js';
import { askAmount, cardFrom, merchantOrPick, missingArgument, refuseMissing } from '../prompt.js';
import { renderTransaction } from '../render.js';
import { action } from '../run-action.js';

export function registerPay(program: Command): void {
  program
    .command('pay')
    .argument('[amount]', "the amount, in the merchant's currency (asked for on a terminal when left out)")
    .description("pay by card: authorise, call the merchant's return URL, PAID only if it answers 200")
    .option('--card <number>', 'card number (never stored: only first 6, last 4 and a keyed hash)')
    .option('--expiry <MM/YYYY>', 'card expiry, MM/YYYY or MM/YY')
    .option('--cid <reference>', 'merchant payment reference; repeating it with the same payment charges once (default: a new one)')
    .action(
      action(async (ctx, amountArg: string | undefined, opts: { card?: string; expiry?: string; cid?: string }) => {
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
      }),
    );
}
