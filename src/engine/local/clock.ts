import { conflict, invalid } from '../../domain/errors.js';
import { formatDuration, parseDuration } from '../../util/duration.js';
import type { ClockView, DatabaseMode, DatabaseModeView } from '../clock-types.js';
import type { DatabaseClock } from './database-clock.js';

/**
 * The test clock's use cases (docs/clock.md). Each re-reads the clock first, so a move builds on
 * the last one whichever process made it. Time only goes forward for the records: a move that
 * would put the database's time before its current time is refused (clock_backwards) unless
 * forced, and then answers a warning. A live database refuses every move (live_database).
 */

export async function showClock(clock: DatabaseClock): Promise<ClockView> {
  await clock.refresh();
  return view(clock);
}

export async function advanceClock(clock: DatabaseClock, duration: unknown): Promise<ClockView> {
  const ms = parseDuration(duration);
  await movable(clock);
  const previous = clock.now();
  await clock.writeOffset(clock.offsetMs() + ms);
  return view(clock, previous);
}

export async function setClock(clock: DatabaseClock, time: unknown, opts: { force?: boolean } = {}): Promise<ClockView> {
  const target = parseTime(time);
  await movable(clock);
  return moveTo(clock, (wallMs) => target.getTime() - wallMs, opts.force === true);
}

/** Back to real time: offset 0. After an advance that is a move backwards, so it needs force too. */
export async function resetClock(clock: DatabaseClock, opts: { force?: boolean } = {}): Promise<ClockView> {
  await movable(clock);
  return moveTo(clock, () => 0, opts.force === true);
}

export async function databaseMode(clock: DatabaseClock): Promise<DatabaseModeView> {
  await clock.refresh();
  return { mode: clock.mode() };
}

/**
 * test → live is one-way: a live database holds real payments, and making it a test one again
 * would let its clock move under them, so live → test needs force. A database goes live on real
 * time only (its offset reset first), since a live clock ignores the offset it would keep.
 */
export async function setDatabaseMode(clock: DatabaseClock, mode: unknown, opts: { force?: boolean } = {}): Promise<DatabaseModeView> {
  if (mode !== 'test' && mode !== 'live') throw invalid('invalid_mode', `the mode must be test or live, not ${shown(mode)}`);
  await clock.refresh();
  const previous = clock.mode();
  if (previous === mode) return { mode };
  if (mode === 'live' && clock.offsetMs() !== 0) {
    throw conflict(
      'clock_moved',
      `this database's clock is ${formatDuration(clock.offsetMs())} from real time: a live database runs on real time`,
      'go live on a new database, or run `esipay clock reset --force` first',
    );
  }
  if (mode === 'test' && opts.force !== true) {
    throw conflict(
      'live_database',
      'this database is live: making it a test database again would let its clock move under real payments',
      'pass --force if it really holds no real payments',
    );
  }
  await clock.writeMode(mode as DatabaseMode);
  return mode === 'test'
    ? { mode, previous, warning: 'this database is a test database again: its clock can be moved' }
    : { mode, previous };
}

async function movable(clock: DatabaseClock): Promise<void> {
  await clock.refresh();
  if (clock.mode() === 'live') {
    throw conflict(
      'live_database',
      'this database is live: its clock is real time and cannot be moved',
      'only the clock of a test database moves; `esipay db mode` shows the mode',
    );
  }
}

/**
 * Moves the clock to the offset `offsetAt` gives for one reading of the wall clock: read once, so
 * a reset is an offset of exactly 0 and a set lands on its time, however long the call takes.
 */
async function moveTo(clock: DatabaseClock, offsetAt: (wallMs: number) => number, force: boolean): Promise<ClockView> {
  const wallMs = clock.wall().getTime();
  const offset = offsetAt(wallMs);
  const previous = new Date(wallMs + clock.offsetMs());
  const target = new Date(wallMs + offset);
  const back = previous.getTime() - target.getTime();
  if (back > 0 && !force) {
    throw conflict(
      'clock_backwards',
      `${target.toISOString()} is before the database's time ${previous.toISOString()}: records written since would lie in the future`,
      'pass --force to move it back anyway, or give a later time',
    );
  }
  await clock.writeOffset(offset);
  if (back <= 0) return view(clock, previous);
  return {
    ...view(clock, previous),
    warning: `the clock went back ${formatDuration(back).slice(1)}: records written after ${target.toISOString()} now lie in the future, and expiries or due dates already passed stay passed`,
  };
}

function view(clock: DatabaseClock, previous?: Date): ClockView {
  const wall = clock.wall();
  const offsetMs = clock.offsetMs();
  return {
    now: new Date(wall.getTime() + offsetMs).toISOString(),
    wallTime: wall.toISOString(),
    offsetMs,
    offset: formatDuration(offsetMs),
    mode: clock.mode(),
    ...(previous ? { previous: previous.toISOString() } : {}),
  };
}

/** ISO-8601 with its zone (Z or ±hh:mm), or a date alone (midnight UTC): a local time would mean one thing per machine. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function parseTime(time: unknown): Date {
  const hint = 'use an ISO-8601 time with its zone, e.g. 2030-01-31T12:00:00Z, or a date such as 2030-01-31';
  if (typeof time !== 'string' || !ISO_TIME.test(time)) throw invalid('invalid_time', `${shown(time)} is not an ISO-8601 time`, hint);
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) throw invalid('invalid_time', `${shown(time)} is not a date`, hint);
  return date;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? `"${value.slice(0, 40)}"` : String(value);
}
