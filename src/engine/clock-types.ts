/**
 * The test clock and the database's mode (docs/clock.md): what the Engine's clock block answers,
 * and what `esipay serve` watches so a move made by any process reaches its use cases and workers.
 */

/** A test database's clock can be moved; a live one runs on real time and refuses (live_database). */
export type DatabaseMode = 'test' | 'live';

export interface ClockView {
  /** The database's time, ISO-8601 UTC: what every use case on this database decides with. */
  now: string;
  /** The real time of the process that answered. */
  wallTime: string;
  /** now − wallTime in ms: 0 until the clock is moved, and after a reset. */
  offsetMs: number;
  /** The offset as a duration: "+181d", "-2h", "0". */
  offset: string;
  mode: DatabaseMode;
  /** After advance, set or reset: the database's time just before the move. */
  previous?: string;
  /** A move backwards (--force): what it means for the records already written. */
  warning?: string;
}

export interface DatabaseModeView {
  mode: DatabaseMode;
  /** After a change: the mode before. */
  previous?: DatabaseMode;
  warning?: string;
}

/** The service's view of the clock: re-read from the database, and told of every move it sees. */
export interface ClockWatch {
  /** Re-reads the offset and the mode from the database; a change calls the onMove listeners. */
  refresh(): Promise<void>;
  /** Called after each move this process sees (its own or one refresh found); returns the unsubscribe. */
  onMove(listener: () => void): () => void;
  /** The mode as last read (the V4 answers' mode). */
  mode(): DatabaseMode;
}
