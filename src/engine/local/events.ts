import { redactPans } from '../../card/card.js';
import { EVENT_STATUSES, type EventAttemptRecord, type EventDetail, type EventFeed, type EventRecord } from '../../domain/events.js';
import type { EventAttemptView, EventStatus, EventView } from '../../domain/events.js';
import { invalid, notFound } from '../../domain/errors.js';
import type { Page } from '../../domain/types.js';
import type { Keyset } from '../../store/store.js';
import { newId } from '../../util/ids.js';
import type { ListEventsInput } from '../engine.js';
import { checkReference, type EngineContext, printableId, requireMerchant } from './context.js';
import { clampLimit } from './merchants.js';
import { decodeCursor, encodeCursor } from './views.js';
import { parseJson } from '../../util/json.js';

/**
 * Events: the outbox's messages to merchants as what happened, with their attempts (see
 * src/domain/events.ts). Reading them is reading the outbox; a resend is one write that queues
 * the message again and records it. Nothing here is on a payment's path.
 */

export async function listEvents(ctx: EngineContext, q: ListEventsInput = {}): Promise<Page<EventView>> {
  if (q.merchant !== undefined) await requireMerchant(ctx, q.merchant);
  const limit = clampLimit(q.limit, 1000);
  const before = decodeCursor(q.cursor);
  if (q.cursor && !before) throw invalid('invalid_cursor', 'the cursor is not one esipay gave');
  const rows = await ctx.store.listEvents({
    limit: limit + 1,
    ...(q.merchant !== undefined ? { merchantId: q.merchant } : {}),
    ...(q.transaction !== undefined ? { transactionId: checkReference('invalid_transaction', 'the transaction', q.transaction) } : {}),
    ...(q.type !== undefined ? { type: checkReference('invalid_event_type', 'the event type', q.type) } : {}),
    ...(q.status !== undefined ? { status: checkStatus(q.status) } : {}),
    ...(before ? { before } : {}),
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(toEventView), next: rows.length > limit && last ? encodeCursor(last) : null };
}

export async function getEvent(ctx: EngineContext, id: string, merchant?: string): Promise<EventDetail> {
  const event = await requireEvent(ctx, id, merchant);
  const history = await ctx.store.listEventAttempts(event.id);
  return { ...toEventView(event), contentType: event.contentType, payload: maskedPayload(event), history: history.map(toAttemptView) };
}

export async function resendEvent(ctx: EngineContext, id: string, merchant?: string): Promise<EventView> {
  const event = await requireEvent(ctx, id, merchant);
  const resend: EventAttemptRecord = {
    id: newId(),
    eventId: event.id,
    kind: 'resend',
    at: ctx.clock().toISOString(),
    url: null,
    httpStatus: null,
    error: null,
    durationMs: null,
  };
  const queued = await ctx.store.resendEvent(event.id, resend);
  if (!queued) throw unknownEvent(id);
  // The deliverer of this process (esipay serve) sends it now rather than at its next poll.
  ctx.outboxWritten();
  return toEventView(queued);
}

/** What `events tail` polls: events queued and attempts recorded after the cursor's two keysets. */
export async function followEvents(ctx: EngineContext, q: { after?: string; limit?: number } = {}): Promise<EventFeed> {
  const limit = clampLimit(q.limit, 1000);
  const from = q.after === undefined ? startOfFeed(ctx.clock()) : decodeFeedCursor(q.after);
  const { events, attempts } = await ctx.store.eventsSince({ ...from, limit });
  const known = new Map(events.map((e) => [e.id, e]));
  const missing = [...new Set(attempts.map((a) => a.eventId).filter((id) => !known.has(id)))];
  for (const e of await ctx.store.getEvents(missing)) known.set(e.id, e);
  const items: EventFeed['items'] = [
    ...events.map((e) => ({ kind: 'event' as const, at: e.createdAt, event: toEventView(e) })),
    ...attempts.flatMap((a) => {
      const e = known.get(a.eventId);
      return e ? [{ kind: 'attempt' as const, at: a.at, event: toEventView(e), attempt: toAttemptView(a) }] : [];
    }),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const lastEvent = events.at(-1);
  const lastAttempt = attempts.at(-1);
  return {
    items,
    cursor: encodeFeedCursor({
      events: lastEvent ? { createdAt: lastEvent.createdAt, id: lastEvent.id } : from.events,
      attempts: lastAttempt ? { createdAt: lastAttempt.at, id: lastAttempt.id } : from.attempts,
    }),
  };
}

export function toEventView(e: EventRecord): EventView {
  return {
    id: e.id,
    type: e.type,
    status: e.status,
    merchant: e.merchantId,
    transaction: e.transactionId,
    url: e.url,
    attempts: e.attempts,
    lastError: e.lastError,
    nextAttemptAt: e.status === 'pending' || e.status === 'failed' ? e.nextAttemptAt : null,
    deliveredAt: e.deliveredAt,
    resentAt: e.resentAt,
    createdAt: e.createdAt,
  };
}

function toAttemptView(a: EventAttemptRecord): EventAttemptView {
  return { kind: a.kind, at: a.at, url: a.url, status: a.httpStatus, error: a.error, durationMs: a.durationMs };
}

async function requireEvent(ctx: EngineContext, id: string, merchant?: string): Promise<EventRecord> {
  if (merchant !== undefined) await requireMerchant(ctx, merchant);
  const [event] = typeof id === 'string' && id.length <= 64 ? await ctx.store.getEvents([id]) : [];
  if (!event || (merchant !== undefined && event.merchantId !== merchant)) throw unknownEvent(id);
  return event;
}

const unknownEvent = (id: unknown) => notFound('unknown_event', `no event ${printableId(id)}`, 'check the id with `esipay events list`');

function checkStatus(status: string): EventStatus {
  const found = EVENT_STATUSES.find((s) => s === status);
  if (!found)
    throw invalid('invalid_event_status', `unknown event status "${printableId(status)}"`, `use one of ${EVENT_STATUSES.join(', ')}`);
  return found;
}

/**
 * The message as the merchant got it, readable and masked: a JSON body parsed, a form's fields
 * (an IPN's kr-answer parsed too), else the text; every card number masked (none should be
 * there: a message carries first 6 and last 4 at most) and signatures cut to a prefix.
 */
function maskedPayload(e: EventRecord): unknown {
  if (e.contentType.startsWith('application/json')) {
    const parsed = parseJson(e.body);
    if (parsed !== undefined) return maskDeep(parsed);
  }
  if (e.contentType.startsWith('application/x-www-form-urlencoded')) {
    const fields: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(e.body)) {
      if (k === 'kr-hash') fields[k] = `${v.slice(0, 8)}…`;
      else fields[k] = k === 'kr-answer' ? maskDeep(parseJson(v) ?? v) : maskDeep(v);
    }
    return fields;
  }
  return maskCardNumbers(e.body);
}

/**
 * redactPans on each run of digits that stands alone: a run inside a word is part of an id
 * (32 hex characters often hold 14 digits in a row that pass Luhn), never a card number.
 */
function maskCardNumbers(text: string): string {
  return text.replace(/\d{12,}/g, (d, at: number) =>
    /[A-Za-z]/.test(text[at - 1] ?? '') || /[A-Za-z]/.test(text[at + d.length] ?? '') ? d : redactPans(d),
  );
}

function maskDeep(v: unknown): unknown {
  if (typeof v === 'string') return maskCardNumbers(v);
  if (typeof v === 'number') return maskCardNumbers(String(v)) === String(v) ? v : maskCardNumbers(String(v));
  if (Array.isArray(v)) return v.map(maskDeep);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskDeep(x)]));
  return v;
}

/** The feed starts now: what happens from here on (a keyset before every id of this millisecond). */
function startOfFeed(now: Date): { events: Keyset; attempts: Keyset } {
  const at = now.toISOString();
  return { events: { createdAt: at, id: '' }, attempts: { createdAt: at, id: '' } };
}

/** Opaque: base64url of "eventsAt|eventsId|attemptsAt|attemptsId". */
function encodeFeedCursor(c: { events: Keyset; attempts: Keyset }): string {
  return Buffer.from([c.events.createdAt, c.events.id, c.attempts.createdAt, c.attempts.id].join('|')).toString('base64url');
}

function decodeFeedCursor(cursor: string): { events: Keyset; attempts: Keyset } {
  const [ea, ei, aa, ai, ...rest] = Buffer.from(String(cursor), 'base64url').toString().split('|');
  const time = (t: string | undefined) => t !== undefined && !Number.isNaN(Date.parse(t));
  if (!time(ea) || !time(aa) || ei === undefined || ai === undefined || rest.length > 0) {
    throw invalid('invalid_cursor', 'the cursor is not one esipay gave', 'start `esipay events tail` again');
  }
  return { events: { createdAt: ea!, id: ei }, attempts: { createdAt: aa!, id: ai } };
}
