import { EsipayError } from '../../domain/errors.js';
import type { Engine, PayInput } from '../../engine/engine.js';
import type { CommandContext } from '../context.js';
import { echo } from './outcome.js';
import { PAY_ROWS, payInputOf, REFUND_ROWS, refundInputOf } from './rows.js';
import type { BatchJob, RowRunner } from './run.js';

/**
 * `batch pay`: one card payment a row. The cid is the payment's idempotency key already: a row run
 * again (after an interruption, or twice in a file) answers the payment its cid made and charges
 * nothing more; a cid reused with another amount or card is refused (cid_reused).
 */
export const PAY_JOB: BatchJob = {
  name: 'pay',
  shape: PAY_ROWS,
  start: startPay,
};

async function startPay(ctx: CommandContext): Promise<RowRunner> {
  const engine = await ctx.openEngine();
  let fallback: Promise<string | undefined> | undefined;
  // The --merchant (or configured) one, asked for only when a row has no merchant of its own.
  const defaultMerchant = () =>
    (fallback ??= ctx.merchant().catch((e: unknown) => {
      if (e instanceof EsipayError && e.code === 'missing_merchant') return undefined;
      throw e;
    }));
  const earlier = earlierPayments(engine);
  return {
    async run(values) {
      const own = typeof values.merchant === 'string' && values.merchant.trim() !== '';
      const input = payInputOf(values, own ? undefined : await defaultMerchant());
      const before = await earlier(input);
      const tx = await engine.pay(input);
      return {
        already: before === tx.id,
        fields: { cid: tx.cid, transaction: tx.id, status: tx.status, amount: tx.amount, currency: tx.currency, card: tx.card },
      };
    },
    context: (values) => ({ cid: echo(values.cid) }),
  };
}

/**
 * The paid transaction a cid already has, to count the row as already done: only a count (pay
 * itself is what makes the row idempotent), so when the listing is not allowed (the remote
 * engine without an operator token) the rows are no longer looked up and count as done now.
 */
function earlierPayments(engine: Engine): (input: PayInput) => Promise<string | undefined> {
  let allowed = true;
  return async (input) => {
    if (!allowed) return undefined;
    try {
      const page = await engine.listTransactions({ merchant: input.merchant, cid: input.cid, kinds: ['card'], limit: 1 });
      const t = page.items[0];
      return t && t.status === 'PAID' ? t.id : undefined;
    } catch (e) {
      if (e instanceof EsipayError && (e.kind === 'unauthorized' || e.kind === 'forbidden')) allowed = false;
      return undefined; // pay says what is wrong with the row, if anything
    }
  };
}

/**
 * `batch refund`: one refund a row, under the row's key (RefundInput.idempotencyKey): a row run
 * again answers the refund its key made and refunds nothing more.
 */
export const REFUND_JOB: BatchJob = {
  name: 'refund',
  shape: REFUND_ROWS,
  start: startRefund,
};

async function startRefund(ctx: CommandContext): Promise<RowRunner> {
  const engine = await ctx.openEngine();
  // As `esipay refund`: with --merchant, each transaction must be that merchant's.
  const merchant = ctx.opts.merchant;
  return {
    async run(values) {
      const input = refundInputOf(values, merchant);
      const outcome = await engine.refund(input);
      const t = outcome.transaction;
      return {
        already: outcome.replayed === true,
        fields: {
          key: echo(input.idempotencyKey),
          transaction: t.id,
          refund: outcome.refund.id,
          amount: outcome.refund.amount,
          currency: outcome.refund.currency,
          status: t.status,
          remaining: t.remaining,
        },
      };
    },
    context: (values) => ({ key: echo(values.key), transaction: echo(values.transaction) }),
  };
}
