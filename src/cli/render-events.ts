import type { ChalkInstance } from 'chalk';
import type { EventActivity, EventAttemptView, EventDetail, EventStatus, EventView } from '../domain/events.js';
import { type Column, renderTable } from './render.js';

/** Human renderings of events (`esipay events …`, `tx show`). Pure: data and a chalk instance in, text out. */

export function eventStatusColor(c: ChalkInstance, status: EventStatus, text: string = status): string {
  switch (status) {
    case 'delivered':
      return c.green(text);
    case 'pending':
      return c.yellow(text);
    case 'failed':
      return c.yellow(text);
    default:
      return c.red(text);
  }
}

const time = (iso: string) => iso.slice(0, 19).replace('T', ' ');

/** What became of an event, in a few words: "next try 2030-01-01 12:00:00", "HTTP 500 …". */
function stateNote(e: EventView): string {
  if (e.status === 'delivered') return e.deliveredAt ? `delivered ${time(e.deliveredAt)}` : '';
  if (e.status === 'dead') return `no more tries${e.lastError ? `: ${e.lastError}` : ''}`;
  const next = e.nextAttemptAt ? `next try ${time(e.nextAttemptAt)}` : '';
  return e.lastError ? `${e.lastError}; ${next}` : next;
}

export function eventColumns(c: ChalkInstance): Column<EventView>[] {
  return [
    { title: 'DATE', value: (e) => time(e.createdAt) },
    { title: 'ID', value: (e) => e.id },
    { title: 'TYPE', value: (e) => e.type },
    { title: 'STATUS', value: (e) => e.status, color: (s, e) => eventStatusColor(c, e.status, s) },
    { title: 'TRIES', value: (e) => String(e.attempts), align: 'right' },
    { title: 'TRANSACTION', value: (e) => e.transaction ?? '' },
    { title: 'LAST', value: stateNote },
  ];
}

export function renderEventTable(c: ChalkInstance, events: EventView[], width: number): string {
  return renderTable(eventColumns(c), events, width);
}

function attemptLine(a: EventAttemptView): string {
  if (a.kind === 'resend') return `${time(a.at)}  resend     queued again`;
  const answer = a.status !== null ? `HTTP ${a.status}` : 'no answer';
  const error = a.error && !(a.status !== null && a.error === `the URL answered HTTP ${a.status}`) ? `  ${a.error}` : '';
  return `${time(a.at)}  delivery   ${answer}${error}  ${a.durationMs ?? '?'} ms  ${a.url ?? ''}`;
}

export function renderEvent(c: ChalkInstance, e: EventDetail): string {
  const lines = [
    `${c.bold(e.type)}  ${eventStatusColor(c, e.status)}  ${e.attempts} ${e.attempts === 1 ? 'try' : 'tries'}`,
    kv(c, 'event', e.id),
    kv(c, 'merchant', e.merchant),
  ];
  if (e.transaction) lines.push(kv(c, 'transaction', e.transaction));
  lines.push(kv(c, 'url', e.url), kv(c, 'created', e.createdAt));
  if (e.resentAt) lines.push(kv(c, 'resent', e.resentAt));
  if (e.deliveredAt) lines.push(kv(c, 'delivered', e.deliveredAt));
  if (e.nextAttemptAt) lines.push(kv(c, 'next try', e.nextAttemptAt));
  if (e.lastError) lines.push(kv(c, 'last error', e.lastError));
  if (e.status === 'dead') lines.push(kv(c, 'dead', `no more tries; queue it again with \`esipay events resend ${e.id}\``));
  lines.push('', c.bold('History'));
  lines.push(...(e.history.length > 0 ? e.history.map((a) => `  ${attemptLine(a)}`) : ['  no attempt yet']));
  lines.push('', c.bold(`Payload (${e.contentType})`));
  const payload = typeof e.payload === 'string' ? e.payload : JSON.stringify(e.payload, null, 2);
  lines.push(...payload.split('\n').map((l) => `  ${l}`));
  return lines.join('\n');
}

/** One line of `events tail`. */
export function renderActivity(c: ChalkInstance, a: EventActivity): string {
  const head = `${time(a.at)}  ${c.bold(a.event.type)}  ${a.event.id}`;
  if (a.kind === 'event') return `${head}  queued  → ${a.event.url}${a.event.transaction ? `  (transaction ${a.event.transaction})` : ''}`;
  const t = a.attempt!;
  if (t.kind === 'resend') return `${head}  resend: queued again`;
  const answer = t.status !== null ? `HTTP ${t.status}` : (t.error ?? 'no answer');
  const error = t.error && t.status !== null && t.error !== `the URL answered HTTP ${t.status}` ? ` ${t.error}` : '';
  return `${head}  attempt: ${answer}${error} (${t.durationMs ?? '?'} ms) → ${eventStatusColor(c, a.event.status)}`;
}

/** A transaction's events, for `tx show`: type, status, tries and the last error. */
export function renderTransactionEvents(c: ChalkInstance, events: EventView[]): string[] {
  return events.map((e) =>
    kv(
      c,
      'event',
      `${e.type}  ${eventStatusColor(c, e.status)}  ${e.attempts} ${e.attempts === 1 ? 'try' : 'tries'}${e.lastError ? `  ${e.lastError}` : ''}  (${e.id})`,
    ),
  );
}

function kv(c: ChalkInstance, key: string, value: string): string {
  return `  ${c.dim(key.padEnd(12))}${value}`;
}
