import type { Store } from '../../store/store.js';
import { type Clock, systemClock } from '../../util/clock.js';
import type { ClockWatch, DatabaseMode } from '../clock-types.js';

/** The settings that hold a database's clock and mode: every process on the database reads the same. */
export const CLOCK_OFFSET_SETTING = 'clock_offset_ms';
export const DATABASE_MODE_SETTING = 'database_mode';

/**
 * A database's clock: the process's clock (the machine's, or a test's) plus the offset kept in
 * the database's settings, so every process on one database sees one time. The offset is cached:
 * the use cases read the clock synchronously, many times a request. A one-shot command reads it
 * once, at start; `esipay serve` re-reads it on a timer (server/workers/clock-watch.ts), and a
 * move made through this object applies here at once. A live database ignores any offset.
 */
export class DatabaseClock implements ClockWatch {
  private offset = 0;
  private current: DatabaseMode = 'test';
  /**
   * Counts this process's own writes. A refresh that was reading while a write landed may hold
   * the value from before it; it then leaves the write's value alone (the next refresh reads the
   * new one), instead of undoing a move for up to one watch period.
   */
  private writes = 0;
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly store: Store,
    /** The real time of this process (or a test's clock). */
    readonly wall: Clock,
  ) {}

  static async open(store: Store, wall: Clock): Promise<DatabaseClock> {
    const clock = new DatabaseClock(store, wall);
    await clock.refresh();
    return clock;
  }

  /** The database's time: what the engine's use cases decide with. */
  readonly now: Clock = () => {
    const offset = this.effectiveOffset();
    return offset === 0 ? this.wall() : new Date(this.wall().getTime() + offset);
  };

  offsetMs(): number {
    return this.effectiveOffset();
  }

  mode(): DatabaseMode {
    return this.current;
  }

  async refresh(): Promise<void> {
    const writesBefore = this.writes;
    const offset = await this.store.getSetting(CLOCK_OFFSET_SETTING);
    const mode = await this.store.getSetting(DATABASE_MODE_SETTING);
    if (this.writes === writesBefore) this.apply(parseOffset(offset), modeOf(mode));
  }

  /** Stores a new offset (the use case checked it) and applies it in this process at once. */
  async writeOffset(ms: number): Promise<void> {
    await this.store.setSetting(CLOCK_OFFSET_SETTING, String(ms));
    this.writes++;
    this.apply(ms, this.current);
  }

  async writeMode(mode: DatabaseMode): Promise<void> {
    await this.store.setSetting(DATABASE_MODE_SETTING, mode);
    this.writes++;
    this.apply(this.offset, mode);
  }

  onMove(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private effectiveOffset(): number {
    return this.current === 'live' ? 0 : this.offset;
  }

  private apply(offset: number, mode: DatabaseMode): void {
    const before = this.effectiveOffset();
    this.offset = offset;
    this.current = mode;
    if (this.effectiveOffset() !== before) for (const listener of [...this.listeners]) listener();
  }
}

/** A missing or unreadable offset is none: the clock then runs on real time. */
function parseOffset(text: string | undefined): number {
  const n = text === undefined ? 0 : Number(text);
  return Number.isSafeInteger(n) ? n : 0;
}

/** The database's time, read once (`esipay verify`). */
export async function databaseNow(store: Store): Promise<Date> {
  return (await DatabaseClock.open(store, systemClock)).now();
}

/** The mode a database holds, read once (`esipay db status`). */
export async function storedMode(store: Store): Promise<DatabaseMode> {
  return modeOf(await store.getSetting(DATABASE_MODE_SETTING));
}

/** A database without a mode is a test one: only an operator's `esipay db mode live` makes it live. */
function modeOf(text: string | undefined): DatabaseMode {
  return text === 'live' ? 'live' : 'test';
}
