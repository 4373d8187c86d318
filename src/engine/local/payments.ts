import { type ParsedCard, parseCard } from '../../card/card.js';
import { signPayload } from '../../callback/signature.js';
import { EsipayError, invalid, unavailable } from '../../domain/errors.js';
import type { MerchantRecord, TransactionRecord, TransactionView } from '../../domain/types.js';
import { formatDecimal, parseDecimal } from '../../money/amount.js';
import { addMs } from '../../util/clock.js';
import type { PayInput } from '../engine.js';
import { checkCallerIp, checkReference, type EngineContext, fingerprint, requireMerchantVersioned } from './context.js';
import { toTransactionView } from './views.js';
import { cardFields, newTransactionRecord } from './records.js';
import { releaseApproval } from './approvals.js';
import { checkMerchantEnabled } from './merchant-enabled.js';

/**
 * A v2 card payment, as the seed describes it:
 * validate → record PENDING (the unique cid makes retries idempotent) → authorise with the
 * acquirer → POST the result to the merchant's return URL → PAID only if it answered 200,
 * otherwise CANCELLED and the authorisation released. No database lock is held across the
 * acquirer call or the callback: each step is its own short write.
 */
export async function pay(ctx: EngineContext, input: PayInput): Promise<TransactionView> {
  // A merchant read for an earlier payment is used as it is, and the insert confirms it is still
  // current (merchant-cache.ts); a refusal, or a merchant that changed, is decided on a fresh read.
  // Three tries: a merchant changed during each of them is being changed faster than paid.
  for (let attempt = 0; attempt < 3; attempt++) {
    const cached = attempt === 0 ? ctx.merchants.get(input.merchant) : undefined;
    const known = cached ?? (await requireMerchantVersioned(ctx, input.merchant));
    let decided: PaymentRecord;
    try {
      decided = paymentRecord(ctx, known.merchant, input);
    } catch (e) {
      if (!cached) throw e;
      ctx.merchants.forget(input.merchant);
      continue;
    }
    const { tx, card } = decided;
    const inserted = await ctx.store.insertPayment(tx, known.version);
    if ('merchantChanged' in inserted) {
      ctx.merchants.forget(input.merchant);
      continue;
    }
    ctx.merchants.remember(known);
    if (!inserted.inserted) return replay(ctx, inserted.existing, decided.requestHash);
    return authoriseAndSettle(ctx, known.merchant, tx, card);
  }
  throw unavailable('merchant_changing', `merchant ${input.merchant} changed during each try of this payment`, 'try the payment again');
}

interface PaymentRecord {
  tx: TransactionRecord;
  requestHash: string;
  card: ParsedCard;
}

/** The checks of a v2 payment against its merchant, and the PENDING record it writes. */
function paymentRecord(ctx: EngineContext, merchant: MerchantRecord, input: PayInput): PaymentRecord {
  checkCallerIp(merchant, input.callerIp);
  checkMerchantEnabled(merchant);
  const cid = checkReference('invalid_cid', 'the cid', input.cid);
  const amount = parseDecimal(String(input.amount ?? ''), merchant.currency);
  if (!amount.ok) throw invalid('invalid_amount', amount.message, `give a decimal amount in ${merchant.currency}, such as 74.12`);
  const now = ctx.clock();
  const card = parseCard(input.card, now);
  if (!card.ok) throw invalid(`invalid_${card.problem}`.replace('invalid_card_expired', 'card_expired'), card.message);

  const kept = cardFields(card.card, ctx.cardKey);
  const requestHash = fingerprint(amount.minor, merchant.currency, kept.cardHash, card.card.expMonth, card.card.expYear);
  const tx = newTransactionRecord(
    {
      merchantId: merchant.id,
      kind: 'card',
      cid,
      idemKey: `card:${cid}`,
      requestHash,
      status: 'PENDING',
      amount: amount.minor,
      currency: merchant.currency,
      ...kept,
      // It waits on the acquirer, then on the return URL: past both bounds and the grace, abandoned.
      deadlineAt: addMs(now, ctx.acquirerTimeoutMs + ctx.callbackTimeoutMs + ctx.abandonGraceMs),
    },
    now,
  );
  return { tx, requestHash, card: card.card };
}

/** The PENDING payment is recorded: the acquirer, then the return URL, decide what it becomes. */
async function authoriseAndSettle(
  ctx: EngineContext,
  merchant: MerchantRecord,
  tx: TransactionRecord,
  card: ParsedCard,
): Promise<TransactionView> {
  const auth = await authorise(ctx, tx, card);
  if (!auth.approved) {
    const declined = await ctx.store.transitionTransaction(tx.id, ['PENDING'], {
      status: 'DECLINED',
      reason: auth.reason,
      updatedAt: ctx.clock().toISOString(),
    });
    throw declinedError(declined ?? { ...tx, status: 'DECLINED', reason: auth.reason }, ctx);
  }

  return settleWithCallback(ctx, merchant, tx, auth.authCode);
}

async function authorise(ctx: EngineContext, tx: TransactionRecord, card: ParsedCard) {
  try {
    return await ctx.acquirer.authorise({ card, amount: tx.amount, currency: tx.currency, operation: 'DEBIT', reference: tx.id });
  } catch (e) {
    const reason = e instanceof EsipayError ? e.code : 'acquirer_error';
    const failed = await ctx.store.transitionTransaction(tx.id, ['PENDING'], {
      status: 'FAILED',
      reason,
      updatedAt: ctx.clock().toISOString(),
    });
    // The answer carries the FAILED transaction, as declined and cancelled answers carry theirs.
    const view = toTransactionView(failed ?? { ...tx, status: 'FAILED', reason }, ctx.clock());
    if (e instanceof EsipayError) throw new EsipayError(e.kind, e.code, e.message, e.hint, view);
    throw new EsipayError('unavailable', 'acquirer_error', 'the acquirer could not be reached', 'try again later', view);
  }
}

/** The seed's return-URL POST: only a 200 makes the payment PAID. */
async function settleWithCallback(
  ctx: EngineContext,
  merchant: MerchantRecord,
  tx: TransactionRecord,
  authCode: string,
): Promise<TransactionView> {
  const body = new URLSearchParams({
    type: 'card',
    amount: formatDecimal(tx.amount, tx.currency),
    transaction: tx.id,
    cid: tx.cid,
  }).toString();
  const outcome = await ctx.callbacks.send({
    url: merchant.returnUrl,
    body,
    contentType: 'application/x-www-form-urlencoded',
    headers: { 'esipay-signature': signPayload(body, merchant.secrets, Math.floor(ctx.clock().getTime() / 1000)) },
    timeoutMs: ctx.callbackTimeoutMs,
  });
  const at = ctx.clock().toISOString();
  if (outcome.ok) {
    const paid = await ctx.store.transitionTransaction(tx.id, ['PENDING'], {
      status: 'PAID',
      authCode,
      callbackStatus: outcome.status,
      callbackError: null,
      deadlineAt: null,
      updatedAt: at,
    });
    if (paid) return toTransactionView(paid, ctx.clock());
    // Only a recovery that judged this payment abandoned can have moved it: it is cancelled.
  }
  const reason = `the return URL did not answer 200: ${outcome.error ?? 'abandoned'}`;
  const cancelled = await ctx.store.transitionTransaction(tx.id, ['PENDING'], {
    status: 'CANCELLED',
    authCode,
    reason,
    callbackStatus: outcome.status,
    callbackError: outcome.error,
    deadlineAt: null,
    updatedAt: at,
  });
  await releaseApproval(ctx, tx.id);
  const final = cancelled ?? (await ctx.store.getTransaction(tx.id)) ?? tx;
  throw cancelledError(final, ctx);
}

/** The same cid again: the same request gets the same outcome, another request is refused. */
function replay(ctx: EngineContext, existing: TransactionRecord, requestHash: string): TransactionView {
  if (existing.kind !== 'card' || existing.requestHash !== requestHash) {
    throw new EsipayError(
      'conflict',
      'cid_reused',
      `cid ${existing.cid} was already used for another payment`,
      'use a new cid for a new payment; repeat a payment only with the same card and amount',
    );
  }
  switch (existing.status) {
    case 'PAID':
      return toTransactionView(existing, ctx.clock());
    case 'PENDING':
      throw new EsipayError(
        'conflict',
        'payment_in_progress',
        `the payment with cid ${existing.cid} is still in progress`,
        'retry in a few seconds',
      );
    case 'DECLINED':
      throw declinedError(existing, ctx);
    case 'FAILED':
      throw new EsipayError(
        'unavailable',
        'acquirer_error',
        `the payment with cid ${existing.cid} failed at the acquirer`,
        'use a new cid to try again',
        toTransactionView(existing, ctx.clock()),
      );
    default:
      throw cancelledError(existing, ctx);
  }
}

function declinedError(tx: TransactionRecord, ctx: EngineContext): EsipayError {
  return new EsipayError(
    'refused',
    'card_declined',
    `the card was declined (${tx.reason ?? 'card_declined'})`,
    'ask the customer for another card; a new attempt needs a new cid',
    toTransactionView(tx, ctx.clock()),
  );
}

function cancelledError(tx: TransactionRecord, ctx: EngineContext): EsipayError {
  return new EsipayError(
    'cancelled',
    'callback_failed',
    `payment cancelled: ${tx.reason ?? 'the return URL did not answer 200'}`,
    'make the return URL answer HTTP 200 (`esipay listen` can stand in for it), then pay again with a new cid',
    toTransactionView(tx, ctx.clock()),
  );
}
