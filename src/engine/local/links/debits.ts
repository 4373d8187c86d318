import { EsipayError } from '../../../domain/errors.js';
import type { LinkRecord, ScheduledDebitRecord, TransactionRecord } from '../../../domain/types.js';
import { addMs, DAY_MS } from '../../../util/clock.js';
import type { DebitRunReport } from '../../links-types.js';
import type { EngineContext } from '../context.js';
import { linkCallbackMessage } from './callback.js';
import { scheduleView } from './views.js';
import { newTransactionRecord, sameCard } from '../records.js';

/** A refused or failed debit is tried again a day later, 3 times in all, then it has failed. */
export const MAX_DEBIT_ATTEMPTS = 3;
export const DEBIT_RETRY_MS = DAY_MS;
/** How long a claimed debit is held by one worker before another may take it (a crash). */
const LEASE_MS = 5 * 60_000;

/**
 * Takes the scheduled debits that are due (multi_pay's later instalments, pay_later's debit) and
 * debits each on the card token of the link's payment. Each attempt is a transaction of kind
 * 'link' with the key `link:<id>:debit:<seq>:<attempt>`; before debiting, an earlier attempt of
 * the same debit that went through (a stop before it was recorded) settles it instead, so a
 * debit is never taken twice. The acquirer gets the debit's id as reference for its own dedup.
 */
export async function runDueDebits(ctx: EngineContext, limit = 50): Promise<DebitRunReport> {
  const report: DebitRunReport = { paid: 0, retried: 0, failed: 0 };
  const now = ctx.clock();
  const due = await ctx.store.claimDueDebits(now.toISOString(), addMs(now, LEASE_MS), limit);
  for (const debit of due) {
    const outcome = await debitOne(ctx, debit);
    report[outcome]++;
  }
  return report;
}

async function debitOne(ctx: EngineContext, debit: ScheduledDebitRecord): Promise<keyof DebitRunReport> {
  const link = await ctx.store.getLink(debit.linkId);
  const merchant = link && (await ctx.store.getMerchant(link.merchantId));
  if (!link || !merchant || !link.transactionId) {
    await ctx.store.settleScheduledDebit(debit.id, {
      status: 'failed',
      lastError: 'the link or its payment is gone',
      updatedAt: ctx.clock().toISOString(),
    });
    return 'failed';
  }
  const key = (attempt: number) => `link:${link.id}:debit:${debit.seq}:${attempt}`;
  for (let a = 1; a < debit.attempts; a++) {
    const earlier = await ctx.store.findTransactionByIdemKey(merchant.id, key(a));
    if (earlier?.status === 'PAID') return settle(ctx, link, debit, earlier, 'paid', null);
  }
  const payment = await ctx.store.getTransaction(link.transactionId);
  const now = ctx.clock();
  const tx = newTransactionRecord(
    {
      merchantId: merchant.id,
      kind: 'link',
      cid: link.paymentReference,
      idemKey: key(debit.attempts),
      status: 'PENDING',
      amount: debit.amount,
      currency: debit.currency,
      ...sameCard(payment),
      deadlineAt: addMs(now, LEASE_MS),
    },
    now,
  );
  const inserted = await ctx.store.insertTransaction(tx);
  if (!inserted.inserted) {
    if (inserted.existing.status === 'PAID') return settle(ctx, link, debit, inserted.existing, 'paid', null);
    return retryOrFail(ctx, link, debit, inserted.existing, 'an earlier attempt did not finish');
  }

  let result;
  try {
    if (!debit.cardToken) throw new EsipayError('unavailable', 'no_card_token', 'no card token was kept for this debit');
    result = await ctx.acquirer.debit({ cardToken: debit.cardToken, amount: debit.amount, currency: debit.currency, reference: debit.id });
  } catch (e) {
    const reason = e instanceof EsipayError ? e.code : 'acquirer_error';
    const failed = await ctx.store.transitionTransaction(tx.id, ['PENDING'], {
      status: 'FAILED',
      reason,
      deadlineAt: null,
      updatedAt: ctx.clock().toISOString(),
    });
    return retryOrFail(ctx, link, debit, failed ?? tx, `the acquirer failed: ${reason}`);
  }
  if (!result.approved) {
    const declined = await ctx.store.transitionTransaction(tx.id, ['PENDING'], {
      status: 'DECLINED',
      reason: result.reason,
      deadlineAt: null,
      updatedAt: ctx.clock().toISOString(),
    });
    return retryOrFail(ctx, link, debit, declined ?? tx, `declined: ${result.reason}`);
  }
  const paid = await ctx.store.transitionTransaction(tx.id, ['PENDING'], {
    status: 'PAID',
    authCode: result.authCode,
    deadlineAt: null,
    updatedAt: ctx.clock().toISOString(),
  });
  return settle(ctx, link, debit, paid ?? { ...tx, status: 'PAID' }, 'paid', null);
}

async function retryOrFail(
  ctx: EngineContext,
  link: LinkRecord,
  debit: ScheduledDebitRecord,
  tx: TransactionRecord,
  why: string,
): Promise<keyof DebitRunReport> {
  if (debit.attempts < MAX_DEBIT_ATTEMPTS) {
    const now = ctx.clock();
    await ctx.store.settleScheduledDebit(debit.id, {
      status: 'scheduled',
      lastError: why,
      dueAt: addMs(now, DEBIT_RETRY_MS),
      updatedAt: now.toISOString(),
    });
    return 'retried';
  }
  return settle(ctx, link, debit, tx, 'failed', why);
}

/**
 * Records the final outcome of a debit and tells the merchant (link.debit): the callback is built
 * first, from the schedule as it will read once settled, and the store queues it in the same
 * database transaction as the settlement, so a crash leaves both or neither (neither: the debit
 * stays scheduled, its lease runs out, and the next run settles it from the PAID attempt).
 */
async function settle(
  ctx: EngineContext,
  link: LinkRecord,
  debit: ScheduledDebitRecord,
  tx: TransactionRecord,
  status: 'paid' | 'failed',
  why: string | null,
): Promise<keyof DebitRunReport> {
  const at = ctx.clock().toISOString();
  const settled: ScheduledDebitRecord = { ...debit, status, transactionId: tx.id, lastError: why, updatedAt: at };
  const merchant = await ctx.store.getMerchant(link.merchantId);
  const callback = merchant
    ? linkCallbackMessage(ctx, {
        event: 'link.debit',
        merchant,
        link,
        transaction: tx,
        schedule: scheduleView(
          link,
          (await ctx.store.listScheduledDebits(link.id)).map((d) => (d.id === debit.id ? settled : d)),
        ),
        debit: settled,
      })
    : undefined;
  const changed = await ctx.store.settleScheduledDebit(
    debit.id,
    { status, transactionId: tx.id, lastError: why, updatedAt: at },
    callback ? { outbox: callback } : {},
  );
  // The deliverer of this process sends it now rather than at its next poll.
  if (changed && callback) ctx.outboxWritten();
  return status;
}
