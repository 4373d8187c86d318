import { type ParsedCard, parseCard, splitExpiry } from '../../../card/card.js';
import { EsipayError } from '../../../domain/errors.js';
import type { LinkRecord, ScheduledDebitRecord, TransactionRecord } from '../../../domain/types.js';
import { addMs } from '../../../util/clock.js';
import { newId } from '../../../util/ids.js';
import type { OpenedLink, PayLinkResult, PlannedDebit, TypedCard } from '../../links-types.js';
import type { EngineContext } from '../context.js';
import { linkCallbackMessage } from './callback.js';
import type { LinkRequest } from '../../../domain/link-fields.js';
import { interpretLinkRequest } from './request.js';
import { scheduleOf } from './schedule.js';
import { linkState, TOKEN_PATTERN, tokenHashOf } from './views.js';
import { releaseAbandoned, releaseApproval } from '../approvals.js';
import { cardFields, newTransactionRecord } from '../records.js';

/** Refused attempts a link accepts before it stops taking cards (card testing). */
export const MAX_LINK_ATTEMPTS = 10;
/** A payment attempt still PENDING this long after it began was abandoned (the service stopped). */
const ATTEMPT_DEADLINE_MS = 2 * 60_000;

/** The link an SDESSID opens, or undefined when the token is malformed or unknown. */
export async function openLink(ctx: EngineContext, token: string | null | undefined): Promise<OpenedLink | undefined> {
  if (!token || !TOKEN_PATTERN.test(token)) return undefined;
  const link = await ctx.store.getLinkByTokenHash(tokenHashOf(token));
  if (!link) return undefined;
  const merchant = await ctx.store.getMerchant(link.merchantId);
  if (!merchant) return undefined;
  return { link, merchant, request: JSON.parse(link.request) as LinkRequest, state: linkState(link, ctx.clock()) };
}

/** The debits a link would take if paid at `at`: what the page shows before payment. */
export function plannedDebits(opened: OpenedLink, at: Date): PlannedDebit[] {
  return scheduleOf(interpretLinkRequest(opened.request, opened.merchant).plan, opened.link.amount, at);
}

/**
 * Pays a link with a card, from the hosted page: the link's card use case.
 *
 * Each attempt is a transaction of kind 'link' whose idempotency key is `link:<id>:<n>`: the
 * first free n is taken by inserting (the store's unique key), so two submissions at once cannot
 * both reach the acquirer. A refused attempt leaves the link payable with the next n; an
 * approved one, in one store call (settleLinkPayment), settles the attempt, makes the link paid
 * (compare-and-set), schedules the later debits and queues the result for url_callback in the
 * outbox. A stop before that call leaves a PENDING attempt that the next submission cancels as
 * abandoned after its deadline. The card number never leaves parseCard and the acquirer call.
 */
export async function payLink(ctx: EngineContext, opened: OpenedLink, input: TypedCard): Promise<PayLinkResult> {
  const { link, merchant } = opened;
  const now = ctx.clock();
  const state = linkState(link, now);
  if (state !== 'open') return fail(state === 'paid' ? 'LINK_003' : 'LINK_002');

  const number = input.number.replace(/[\s-]/g, '');
  const expiry = splitExpiry(input.expiry);
  if (!expiry) return { ok: false, code: 'CARD_002', message: 'expiry', field: 'expiry' };
  const parsed = parseCard({ number, month: expiry.month, year: expiry.year }, now);
  if (!parsed.ok) {
    if (parsed.problem === 'card_number') return { ok: false, code: 'CARD_001', message: parsed.message, field: 'number' };
    if (parsed.problem === 'card_expired') return { ok: false, code: 'CARD_003', message: parsed.message, field: 'expiry' };
    return { ok: false, code: 'CARD_002', message: parsed.message, field: 'expiry' };
  }
  const card = parsed.card;
  const terms = interpretLinkRequest(opened.request, merchant);
  const debits = scheduleOf(terms.plan, link.amount, now);
  const first = debits.find((d) => d.atPayment);
  // pay_later verifies the card for the whole amount; the others debit what is due at payment.
  const amountNow = first?.amount ?? link.amount;

  const slot = await takeAttempt(ctx, link, attemptRecord(ctx, link, card, amountNow, now));
  if ('code' in slot) return fail(slot.code);
  const tx = slot.tx;

  let auth;
  try {
    auth = await ctx.acquirer.authorise({
      card,
      amount: amountNow,
      currency: link.currency,
      operation: first ? 'DEBIT' : 'VERIFICATION',
      reference: tx.id,
    });
  } catch (e) {
    const reason = e instanceof EsipayError ? e.code : 'acquirer_error';
    await ctx.store.transitionTransaction(tx.id, ['PENDING'], {
      status: 'FAILED',
      reason,
      deadlineAt: null,
      updatedAt: ctx.clock().toISOString(),
    });
    return fail('CARD_005');
  }
  if (!auth.approved) {
    await ctx.store.transitionTransaction(tx.id, ['PENDING'], {
      status: 'DECLINED',
      reason: auth.reason,
      deadlineAt: null,
      updatedAt: ctx.clock().toISOString(),
    });
    return { ok: false, code: 'CARD_004', message: auth.reason };
  }

  const settledAt = ctx.clock().toISOString();
  const patch = {
    status: first ? ('PAID' as const) : ('AUTHORISED' as const),
    authCode: auth.authCode,
    deadlineAt: null,
    updatedAt: settledAt,
  };
  const paidLink: LinkRecord = { ...link, status: 'paid', transactionId: tx.id, updatedAt: settledAt };
  const later = debits.filter((d) => !d.atPayment);
  const callback = linkCallbackMessage(ctx, {
    event: 'link.paid',
    merchant,
    link: paidLink,
    transaction: { ...tx, ...patch },
    schedule: debits.map((d) => ({
      seq: d.seq,
      amount: d.amount,
      dueAt: d.dueAt,
      status: d.atPayment ? 'paid' : 'scheduled',
      transaction: d.atPayment ? tx.id : null,
    })),
  });
  // One store call for the attempt, the link, its later debits and its callback: a crash between
  // separate writes used to leave a paid link whose instalments were never scheduled (the link
  // row could be repaired from its attempt, the schedule could not: the card token is known only
  // here). Atomic writes leave nothing to repair, so no sweep is needed.
  const settled = await ctx.store.settleLinkPayment({
    linkId: link.id,
    transactionId: tx.id,
    patch,
    debits: later.map((d) => scheduledRow(paidLink, d, auth.cardToken, settledAt)),
    callback,
  });
  if (!settled) {
    // The attempt was cancelled as abandoned, or the link paid by another: nothing is taken twice.
    await releaseApproval(ctx, tx.id);
    await ctx.store.transitionTransaction(tx.id, ['PENDING'], {
      status: 'CANCELLED',
      reason: 'the link was already paid',
      updatedAt: settledAt,
    });
    return fail('LINK_003');
  }
  // The deliverer of this process sends the callback now rather than at its next poll.
  ctx.outboxWritten();
  return { ok: true, link: paidLink, transaction: settled, debits };
}

function fail(code: string): PayLinkResult {
  return { ok: false, code, message: code };
}

function attemptRecord(ctx: EngineContext, link: LinkRecord, card: ParsedCard, amount: number, now: Date): TransactionRecord {
  return newTransactionRecord(
    {
      merchantId: link.merchantId,
      kind: 'link',
      cid: link.paymentReference,
      status: 'PENDING',
      amount,
      currency: link.currency,
      ...cardFields(card, ctx.cardKey),
      deadlineAt: addMs(now, ATTEMPT_DEADLINE_MS),
    },
    now,
  );
}

/**
 * Takes the first free attempt slot of the link. A slot held by a PENDING attempt means another
 * submission is being processed (LINK_005), unless it is past its deadline (abandoned: cancelled,
 * and the next slot tried). A slot already PAID/AUTHORISED means the link is paid. (Since
 * settleLinkPayment writes both at once, an approved attempt beside an open link only exists in a
 * database written by an earlier version: the link row is repaired then.)
 */
async function takeAttempt(
  ctx: EngineContext,
  link: LinkRecord,
  template: TransactionRecord,
): Promise<{ tx: TransactionRecord } | { code: string }> {
  for (let n = 1; n <= MAX_LINK_ATTEMPTS; n++) {
    const tx = { ...template, id: newId(), idemKey: `link:${link.id}:${n}` };
    const r = await ctx.store.insertTransaction(tx);
    if (r.inserted) return { tx };
    const e = r.existing;
    if (e.status === 'PENDING') {
      const nowIso = ctx.clock().toISOString();
      if (e.deadlineAt !== null && e.deadlineAt <= nowIso) {
        const cancelled = await ctx.store.transitionTransaction(e.id, ['PENDING'], {
          status: 'CANCELLED',
          reason: 'abandoned: the service stopped during the payment',
          deadlineAt: null,
          updatedAt: nowIso,
        });
        await releaseAbandoned(ctx, cancelled);
        continue;
      }
      return { code: 'LINK_005' };
    }
    if (e.status === 'PAID' || e.status === 'AUTHORISED') {
      await ctx.store.markLinkPaid(link.id, e.id, e.updatedAt);
      return { code: 'LINK_003' };
    }
  }
  return { code: 'LINK_004' };
}

function scheduledRow(link: LinkRecord, d: PlannedDebit, cardToken: string, at: string): ScheduledDebitRecord {
  return {
    id: newId(),
    linkId: link.id,
    merchantId: link.merchantId,
    seq: d.seq,
    amount: d.amount,
    currency: link.currency,
    dueAt: d.dueAt,
    status: 'scheduled',
    cardToken,
    transactionId: null,
    attempts: 0,
    lastError: null,
    createdAt: at,
    updatedAt: at,
  };
}
