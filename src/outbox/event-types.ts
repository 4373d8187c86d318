import { parseJsonObject } from '../util/json.js';

/**
 * What an outbox message is as an event: its type (what happened) and the transaction it is
 * about, read from the message itself when it is queued, so the code that builds a message (the
 * V4 IPN, the link callback) needs no change and the payment's write stays the one it was.
 * Pure; docs/events.md lists every type and the state changes that have no message yet.
 *
 * - ipn (V4 IPN, after CreatePayment or the hosted form), from kr-answer's transaction: an initial
 *   authorisation (operationType VERIFICATION) is initial.authorised, initial.declined or
 *   initial.failed; an immediate payment (DEBIT) payment.paid, payment.declined, payment.failed
 *   or payment.cancelled. An IPN without operationType (written before V4 immediate payments)
 *   followed an initial authorisation.
 * - link_callback: link.paid (the consumer paid, or for pay_later had the card verified),
 *   link.debit.paid and link.debit.failed (a scheduled instalment or pay_later debit).
 * Another topic is an event of that topic's name. The email and SMS that carry a payment link to
 * a consumer are recorded in the outbox too, but are not events: they go to the consumer, not the
 * merchant, are sent once when the link is made (never by the deliverer) and hold the link
 * redacted, so they could not be resent.
 */
export interface MessageEvent {
  type: string;
  transactionId: string | null;
}

/** Outbox topics that are a record of a consumer notification, not a message to the merchant. */
export const NOT_EVENT_TOPICS: readonly string[] = ['link_email', 'link_sms'];

/** What a V4 transaction's detailedStatus says happened, for an initial authorisation and for a payment. */
const IPN_OUTCOMES: Readonly<Record<string, { initial: string; payment: string }>> = {
  ACCEPTED: { initial: 'authorised', payment: 'paid' },
  AUTHORISED: { initial: 'authorised', payment: 'paid' },
  CAPTURED: { initial: 'authorised', payment: 'paid' },
  REFUSED: { initial: 'declined', payment: 'declined' },
  ERROR: { initial: 'failed', payment: 'failed' },
  CANCELLED: { initial: 'cancelled', payment: 'cancelled' },
};

export function eventOfMessage(topic: string, body: string): MessageEvent | null {
  if (NOT_EVENT_TOPICS.includes(topic)) return null;
  if (topic === 'ipn') return ipnEvent(body);
  if (topic === 'link_callback') return linkEvent(body);
  return { type: topic, transactionId: null };
}

function ipnEvent(body: string): MessageEvent {
  const answer = parseJsonObject(new URLSearchParams(body).get('kr-answer') ?? '');
  const tx = (answer?.transactions as Record<string, unknown>[] | undefined)?.[0];
  const detailed = typeof tx?.detailedStatus === 'string' ? tx.detailedStatus : '';
  const kind = tx?.operationType === 'DEBIT' ? 'payment' : 'initial';
  const outcome = IPN_OUTCOMES[detailed]?.[kind] ?? detailed.toLowerCase();
  return { type: outcome ? `${kind}.${outcome}` : 'ipn', transactionId: typeof tx?.uuid === 'string' ? tx.uuid : null };
}

function linkEvent(body: string): MessageEvent {
  const b = parseJsonObject(body);
  const event = typeof b?.event === 'string' ? b.event : 'link_callback';
  const debit = b?.debit as Record<string, unknown> | undefined;
  const tx = b?.transaction as Record<string, unknown> | undefined;
  return {
    type: event === 'link.debit' && typeof debit?.status === 'string' ? `link.debit.${debit.status}` : event,
    transactionId: typeof tx?.id === 'string' ? tx.id : null,
  };
}
