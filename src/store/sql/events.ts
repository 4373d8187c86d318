import type { AttemptOutcome, EventAttemptRecord, EventRecord, EventStatus } from '../../domain/events.js';
import type { OutboxRecord } from '../../domain/types.js';
import { eventOfMessage } from '../../outbox/event-types.js';
import type { EventQuery, Keyset } from '../store.js';
import type { Migration } from './migration.js';
import { outboxFromRow, type Row } from './rows.js';

/**
 * What both adapters share about events (migration 8): the event columns an outbox row gets when
 * it is queued, rows back into records, the WHERE of a listing and the SET of an attempt's
 * outcome. Each adapter passes `add`, which binds a value and returns its placeholder (`?` for
 * SQLite, `$n` for PostgreSQL), so the SQL text is built once for both.
 */

/** next_attempt_at of a dead event: never due, so no claim takes it (the due index stays as it is). */
export const NEVER_DUE = '9999-12-31T23:59:59.999Z';

type Add = (value: unknown) => string;

/** The event columns of a message being queued: computed here, in the same INSERT (no other write). */
export function eventColumns(m: OutboxRecord): Row {
  const event = eventOfMessage(m.topic, m.body);
  return {
    event_type: event?.type ?? null,
    transaction_id: event?.transactionId ?? null,
    status: m.deliveredAt !== null ? 'delivered' : m.attempts > 0 ? 'failed' : 'pending',
  };
}

export function eventFromRow(r: Row): EventRecord {
  return {
    ...outboxFromRow(r),
    type: String(r.event_type ?? r.topic),
    transactionId: r.transaction_id === null || r.transaction_id === undefined ? null : String(r.transaction_id),
    status: String(r.status) as EventStatus,
    resentAt: r.resent_at === null || r.resent_at === undefined ? null : String(r.resent_at),
  };
}

export function attemptToRow(a: EventAttemptRecord): Row {
  return {
    id: a.id,
    event_id: a.eventId,
    kind: a.kind,
    at: a.at,
    url: a.url,
    http_status: a.httpStatus,
    error: a.error,
    duration_ms: a.durationMs,
  };
}

export function attemptFromRow(r: Row): EventAttemptRecord {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: String(r.id),
    eventId: String(r.event_id),
    kind: String(r.kind) as EventAttemptRecord['kind'],
    at: String(r.at),
    url: r.url === null || r.url === undefined ? null : String(r.url),
    httpStatus: num(r.http_status),
    error: r.error === null || r.error === undefined ? null : String(r.error),
    durationMs: num(r.duration_ms),
  };
}

/** WHERE of a listing, newest first: only events (the consumer notifications are not), its filters and its keyset. */
export function eventWhere(q: EventQuery, add: Add): string {
  const where = ['event_type IS NOT NULL'];
  if (q.merchantId !== undefined) where.push(`merchant_id = ${add(q.merchantId)}`);
  if (q.transactionId !== undefined) where.push(`transaction_id = ${add(q.transactionId)}`);
  if (q.type !== undefined) where.push(`event_type = ${add(q.type)}`);
  if (q.status !== undefined) where.push(`status = ${add(q.status)}`);
  if (q.before) where.push(`(created_at, id) < (${add(q.before.createdAt)}, ${add(q.before.id)})`);
  return where.join(' AND ');
}

/** The events queued after a feed's keyset, oldest first. */
export function eventsAfterSql(k: Keyset, limit: number, add: Add): string {
  return `SELECT * FROM outbox WHERE event_type IS NOT NULL AND (created_at, id) > (${add(k.createdAt)}, ${add(k.id)})
    ORDER BY created_at, id LIMIT ${add(limit)}`;
}

/** The attempts (and resends) recorded after a feed's keyset, oldest first. */
export function attemptsAfterSql(k: Keyset, limit: number, add: Add): string {
  return `SELECT * FROM outbox_attempts WHERE (at, id) > (${add(k.createdAt)}, ${add(k.id)}) ORDER BY at, id LIMIT ${add(limit)}`;
}

export const COUNT_EVENTS_SQL = 'SELECT status, count(*) AS n FROM outbox WHERE event_type IS NOT NULL GROUP BY status';

/** COUNT_EVENTS_SQL's rows, every status present. */
export function eventCounts(rows: Row[]): Record<EventStatus, number> {
  const counts: Record<EventStatus, number> = { pending: 0, failed: 0, delivered: 0, dead: 0 };
  for (const r of rows) counts[String(r.status) as EventStatus] = Number(r.n);
  return counts;
}

/** The SET of an attempt's outcome on its outbox row (attempts counts deliveries, not resends). */
export function outcomeSet(outcome: AttemptOutcome, attempt: EventAttemptRecord, add: Add): string {
  const sets = ['attempts = attempts + 1', `status = ${add(outcome.status)}`];
  if (outcome.status === 'delivered') sets.push(`delivered_at = ${add(attempt.at)}`, 'last_error = NULL');
  else {
    sets.push(`last_error = ${add(attempt.error)}`);
    sets.push(`next_attempt_at = ${add(outcome.status === 'failed' ? outcome.nextAttemptAt : NEVER_DUE)}`);
  }
  return sets.join(', ');
}

/** The SET of a resend: due now, its horizon from now, whatever it was (delivered and dead too). */
export function resendSet(now: string, add: Add): string {
  // Bound twice: SQLite's `?` placeholders are positional, one value each.
  return `status = 'pending', next_attempt_at = ${add(now)}, resent_at = ${add(now)}, delivered_at = NULL`;
}

/**
 * Migration 8 on either database: `ts` is the adapter's column type for times (ordered as text),
 * `json(path)` its expression for a field of a JSON body (to give the link callbacks already
 * queued their type and transaction; older IPNs keep the type "ipn": their answer is form-encoded).
 */
export function eventsMigration(ts: string, json: (path: string[]) => string): Migration {
  const event = json(['event']);
  return {
    version: 8,
    name: 'events: outbox rows as typed events, with their delivery attempts',
    sql: `
ALTER TABLE outbox ADD COLUMN event_type TEXT;
ALTER TABLE outbox ADD COLUMN transaction_id ${ts};
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed', 'delivered', 'dead'));
ALTER TABLE outbox ADD COLUMN resent_at ${ts};
UPDATE outbox SET status = CASE WHEN delivered_at IS NOT NULL THEN 'delivered' WHEN attempts > 0 THEN 'failed' ELSE 'pending' END;
UPDATE outbox SET event_type = topic WHERE topic NOT IN ('link_email', 'link_sms');
UPDATE outbox SET
  event_type = CASE WHEN ${event} = 'link.debit' THEN 'link.debit.' || ${json(['debit', 'status'])} ELSE ${event} END,
  transaction_id = ${json(['transaction', 'id'])}
WHERE topic = 'link_callback';

CREATE TABLE outbox_attempts (
  id ${ts} PRIMARY KEY,
  event_id ${ts} NOT NULL REFERENCES outbox (id),
  kind TEXT NOT NULL CHECK (kind IN ('delivery', 'resend')),
  at ${ts} NOT NULL,
  url TEXT,
  http_status INTEGER,
  error TEXT,
  duration_ms INTEGER
);
-- An event's history (events show), and what happened since a cursor (events tail).
CREATE INDEX outbox_attempts_event ON outbox_attempts (event_id, at, id);
CREATE INDEX outbox_attempts_at ON outbox_attempts (at, id);
-- events list pages newest first; --transaction and --status dead (what verify counts) have their own.
CREATE INDEX outbox_events_page ON outbox (created_at, id) WHERE event_type IS NOT NULL;
CREATE INDEX outbox_events_transaction ON outbox (transaction_id, created_at) WHERE transaction_id IS NOT NULL;
CREATE INDEX outbox_events_dead ON outbox (created_at, id) WHERE status = 'dead';
`,
  };
}
