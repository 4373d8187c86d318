import type { OutboxRecord } from './types.js';

/**
 * Events: every message esipay sends a merchant (a V4 IPN, a payment-link callback) as what
 * happened, with its delivery state and every attempt. An event is an outbox row (the message and
 * its state) plus the attempts the deliverer recorded; docs/events.md lists the types.
 *
 * - pending: queued (or queued again by a resend), not tried since.
 * - failed: the last attempt failed; another is scheduled (exponential back-off).
 * - delivered: the merchant answered 200.
 * - dead: the retry horizon passed without a 200: no more attempts until someone resends it.
 */
export type EventStatus = 'pending' | 'failed' | 'delivered' | 'dead';

export const EVENT_STATUSES: readonly EventStatus[] = ['pending', 'failed', 'delivered', 'dead'];

/** An outbox row as an event: the message and what the deliverer knows of it. */
export interface EventRecord extends OutboxRecord {
  /** payment.paid, initial.authorised, link.debit.failed… (see src/outbox/event-types.ts). */
  type: string;
  /** The transaction the event is about, when the message names one. */
  transactionId: string | null;
  status: EventStatus;
  /** The last `events resend`: the retry horizon runs from then rather than from createdAt. */
  resentAt: string | null;
}

/** One thing that happened to an event: a delivery attempt, or a resend asked for. */
export interface EventAttemptRecord {
  id: string;
  eventId: string;
  kind: 'delivery' | 'resend';
  at: string;
  /** Where it was POSTed (a delivery); null for a resend. */
  url: string | null;
  /** The HTTP status the merchant answered, or null when no answer came (or a resend). */
  httpStatus: number | null;
  error: string | null;
  /** How long the merchant took to answer (a delivery), in milliseconds. */
  durationMs: number | null;
}

/** What a delivery attempt leaves the event as: delivered, failed with a next attempt, or dead. */
export type AttemptOutcome = { status: 'delivered' } | { status: 'failed'; nextAttemptAt: string } | { status: 'dead' };

/** The JSON shape of an event, the same from the CLI's --json and the operator API. */
export interface EventView {
  id: string;
  type: string;
  status: EventStatus;
  merchant: string;
  transaction: string | null;
  url: string;
  /** Delivery attempts so far (resends are not attempts). */
  attempts: number;
  lastError: string | null;
  /** When the next attempt is due; null when delivered or dead. */
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  resentAt: string | null;
  createdAt: string;
}

export interface EventAttemptView {
  kind: 'delivery' | 'resend';
  at: string;
  url: string | null;
  status: number | null;
  error: string | null;
  durationMs: number | null;
}

/** One event with its payload (card numbers and signatures masked) and its whole history, oldest first. */
export interface EventDetail extends EventView {
  contentType: string;
  /** The message as sent: a JSON body parsed, a form's fields (an IPN's kr-answer parsed), else the text. */
  payload: unknown;
  history: EventAttemptView[];
}

/** What `events tail` prints: an event queued, or an attempt (or resend) on one. */
export interface EventActivity {
  kind: 'event' | 'attempt';
  at: string;
  event: EventView;
  attempt?: EventAttemptView;
}

export interface EventFeed {
  items: EventActivity[];
  /** Pass back as `after` to get what happened since. */
  cursor: string;
}
