import type { Command } from 'commander';
import { formatMoney } from '../../money/amount.js';
import { renderTransaction } from '../render.js';
import { action } from '../run-action.js';

export function registerRefund(program: Command): void {
  program
    .command('refund <transaction> [amount]')
    .description('refund a payment: the amount given, or all that remains')
    .action(
      action(async (ctx, transaction: string, amount: string | undefined) => {
        const engine = await ctx.openEngine();
        const merchant = ctx.opts.merchant;
        const result = await engine.refund({ transaction, ...(amount !== undefined ? { amount } : {}), ...(merchant ? { merchant } : {}) });
        ctx.out.result(result, () => {
          const t = result.transaction;
          return `Refunded ${ctx.out.color.bold(formatMoney(result.refund.amount, result.refund.currency))} (refund ${result.refund.id})\n${renderTransaction(ctx.out.color, t)}`;
        });
      }),
    );
}
