import type { Command } from 'commander';
import { formatMoney } from '../../money/amount.js';
import type { CommandSpec, PlainCommand } from '../command-line.js';
import { declareCommand } from '../declare.js';
import { confirmRefund } from '../prompt.js';
import { renderTransaction } from '../render.js';
import { action } from '../run-action.js';

const spec: CommandSpec = {
  name: 'refund',
  args: [
    { name: '<transaction>', description: 'the id of the payment to refund' },
    { name: '[amount]', description: 'how much, in its currency (default: all that remains)' },
  ],
  description: 'refund a payment: the amount given, or all that remains',
  options: [
    { flags: '--idempotency-key <key>', description: 'repeating the command with this key refunds once (the same transaction and amount)' },
    { flags: '-y, --yes', description: 'on a terminal, refund without asking first (without a terminal it never asks)' },
  ],
  helpAfter: '\nOn a terminal it first shows the amount and what remains after it: only y confirms (exit 6 otherwise).',
};

const run = action(async (ctx, transaction: string, amount: string | undefined, opts: { idempotencyKey?: string; yes?: boolean }) => {
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
});

/** esipay refund: runs from a plain command line without commander (src/cli/main.ts). */
export const refund: PlainCommand = { spec, run };

export function registerRefund(program: Command): void {
  declareCommand(program, spec).action(run);
}
