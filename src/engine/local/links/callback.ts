import { signPayload, SIGNATURE_HEADER } from '../../../callback/signature.js';
import type { LinkRecord, MerchantRecord, OutboxRecord, ScheduledDebitRecord, TransactionRecord } from '../../../domain/types.js';
import { newId } from '../../../util/ids.js';
import type { EngineContext } from '../context.js';
import type { LinkRequest } from '../../../domain/link-fields.js';

export const LINK_CALLBACK_TOPIC = 'link_callback';

/**
 * The result of a link, POSTed to its url_callback as JSON, signed with the merchant's secret
 * (Esipay-Signature, see src/callback/signature.ts), through the outbox: the deliverer retries
 * until the URL answers 200, across restarts. docs/links.md shows the format.
 *
 * - link.paid: the consumer paid on the page (pay_now: the amount; multi_pay: the first
 *   instalment; pay_later: the card was verified, status AUTHORISED, nothing debited yet).
 * - link.debit: a scheduled debit (a later instalment, the pay_later debit) was taken or failed for good.
 */
export type LinkEvent = 'link.paid' | 'link.debit';

export interface LinkCallbackInput {
  event: LinkEvent;
  merchant: MerchantRecord;
  link: LinkRecord;
  transaction: TransactionRecord;
  /** Every debit of the link, as known now (the page's plan for link.paid). */
  schedule: { seq: number; amount: number; dueAt: string; status: string; transaction: string | null }[];
  /** link.debit: the debit this event is about. */
  debit?: ScheduledDebitRecord;
}

export function linkCallbackBody(input: LinkCallbackInput, at: string): Record<string, unknown> {
  const req = JSON.parse(input.link.request) as LinkRequest;
  const t = input.transaction;
  const body: Record<string, unknown> = {
    event: input.event,
    event_id: newId(),
    link: input.link.id,
    merchant: input.merchant.id,
    beneficiary_reference: req.beneficiary_reference,
    payment_reference: input.link.paymentReference,
    consumer_reference: input.link.consumerReference,
    ...(typeof req.transaction_id === 'string' ? { transaction_id: req.transaction_id } : {}),
    ...(typeof req.basket_id === 'string' ? { basket_id: req.basket_id } : {}),
    mode: input.link.mode,
    amount: String(input.link.amount),
    currency: input.link.currency,
    transaction: {
      id: t.id,
      status: t.status,
      amount: String(t.amount),
      card: t.cardFirst6 && t.cardLast4 ? { first6: t.cardFirst6, last4: t.cardLast4, brand: t.cardBrand ?? 'unknown' } : null,
      ...(t.reason ? { reason: t.reason } : {}),
    },
    schedule: input.schedule.map((d) => ({
      seq: d.seq,
      amount: String(d.amount),
      due_at: d.dueAt,
      status: d.status,
      transaction: d.transaction,
    })),
    created_at: at,
  };
  if (input.debit) {
    body.debit = {
      seq: input.debit.seq,
      amount: String(input.debit.amount),
      due_at: input.debit.dueAt,
      status: input.debit.status,
      attempts: input.debit.attempts,
      ...(input.debit.lastError ? { error: input.debit.lastError } : {}),
    };
  }
  return body;
}

/**
 * The outbox message of a link event, for the store call that queues it with the state change that
 * causes it (settleLinkPayment for link.paid, settleScheduledDebit for link.debit): never a write of its own.
 */
export function linkCallbackMessage(ctx: EngineContext, input: LinkCallbackInput): OutboxRecord {
  const now = ctx.clock();
  const at = now.toISOString();
  const body = JSON.stringify(linkCallbackBody(input, at));
  return {
    id: newId(),
    merchantId: input.merchant.id,
    topic: LINK_CALLBACK_TOPIC,
    url: input.link.callbackUrl,
    contentType: 'application/json',
    body,
    headers: JSON.stringify({ [SIGNATURE_HEADER]: signPayload(body, input.merchant.secrets, Math.floor(now.getTime() / 1000)) }),
    attempts: 0,
    nextAttemptAt: at,
    deliveredAt: null,
    lastError: null,
    createdAt: at,
  };
}
