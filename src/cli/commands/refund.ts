import type { Command } from 'commander';
import { formatMoney } from '../../money/amount.js';
import { confirmRefund } from '../prompt.js';
import { renderTransaction } from '../render.js';
import { action } from '../run-action.js';

export function registerRefund(program: Command): void {
  program
    .command('refund <transaction> [amount]')
    .description('refund a payment: the amount given, or all that remains')
    .option('--idempotency-key <key>', 'repeating the command with this key refunds once (the same transaction and amount)')
    .option('-y, --yes', 'on a terminal, refund without asking first (without a terminal it never asks)')
    .addHelpText('after', '\nOn a terminal it first shows the amount and what remains after it: only y confirms (exit 6 otherwise).')
    .action(
      action(async (ctx, transaction: string, amount: string | undefined, opts: { idempotencyKey?: string; yes?: boolean }) => {
        const engine = await ctx.openEngine();
        const merchant = ctx.opts.merchant;
        if (!opts.yes) await confirmRefund(engine, transaction, amount, merchant);
        const result = await engine.refund({
          transaction,
          ...(amount !== undefined ? { amount } : {}),
          ...(merchant ? { merchant } : {}),
          ...(opts.idempotencyKey !== undefined ? { idempotencyKey: opts.idempotencyKey } : {}),
        });
        ctx.out.result(result, () => {
          const t = result.transaction;
          const money = ctx.out.color.bold(formatMoney(result.refund.amount, result.refund.currency));
          const head = result.replayed
            ? `Already refunded ${money} under this idempotency key: refund ${result.refund.id} is the first refund, nothing refunded again`
            : `Refunded ${money} (refund ${result.refund.id})`;
          return `${head}\n${renderTransaction(ctx.out.color, t)}`;
        });
      }),
    );
}
