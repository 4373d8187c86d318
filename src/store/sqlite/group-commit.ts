import type Database from 'better-sqlite3';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit for the embedded store: the writes asked for during one turn of the event loop run
 * one after the other in a single BEGIN IMMEDIATE … COMMIT, and none of their promises settles
 * before that COMMIT.
 *
 * Why: on SQLite in WAL mode most of a small write's cost is the commit itself (the WAL frames of
 * every page it touched, the lock calls), not its statements. Under load `esipay serve` has tens of
 * payments in flight, and their inserts and status changes land in the same few index pages, so
 * one commit for the lot writes each page once instead of once per payment.
 *
 * What each write keeps: it is atomic on its own, it sees every write queued before it (they run
 * in order, on one connection), and it is durable before its caller hears of it. A write that
 * throws must not take the others down: the group is rolled back and each of its writes is run
 * again in a transaction of its own, so only the one that throws rejects. That re-run is why a
 * write's work must depend on nothing but the database (every store method's does): after the
 * rollback it finds the database as it first did. (Savepoints around each write would avoid the
 * re-run, but they copy every page a write touches into a sub-journal: about 7% of a payment's
 * CPU, to guard against a case that does not happen in normal operation.) If the commit itself
 * fails, nothing of the group is stored and every write of it rejects with that error.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private held = false;
  /** Called after each group (checkpointer.ts watches the WAL there). */
  afterCommit: (() => void) | undefined;

  constructor(private readonly db: Database.Database) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
  }

  /** Queues `work` for the next group; resolves with its result once the group is committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // setImmediate runs after the I/O callbacks of this loop turn: every request that arrived
      // in it has queued its write by then.
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  /**
   * Writes queue up and wait, without blocking the event loop, until release(): while the
   * checkpointer catches up with the WAL (checkpointer.ts).
   */
  hold(): void {
    this.held = true;
  }

  /** Ends hold(): what queued meanwhile is committed now, in one group. */
  release(): void {
    this.held = false;
    this.flush();
  }

  /** Runs and commits what is queued now (also called before the database is closed). */
  flush(): void {
    const group = this.queue;
    if (group.length === 0 || this.held) return;
    this.queue = [];
    try {
      this.commitGroup(group);
    } finally {
      this.afterCommit?.();
    }
  }

  private commitGroup(group: Pending[]): void {
    let values: unknown[];
    let workThrew = false;
    try {
      values = this.transaction(() =>
        group.map((p) => {
          try {
            return p.work();
          } catch (e) {
            workThrew = true;
            throw e;
          }
        }),
      );
    } catch (e) {
      // A failed BEGIN (the lock still held by another process after busy_timeout) or COMMIT
      // fails the whole group: trying each write again would only wait as long again, each.
      if (!workThrew || group.length === 1) {
        for (const p of group) p.reject(e);
        return;
      }
      // One write threw: nothing of the group is stored. Each write again, alone: only those
      // that fail alone reject.
      for (const p of group) {
        try {
          p.resolve(this.transaction(p.work));
        } catch (alone) {
          p.reject(alone);
        }
      }
      return;
    }
    group.forEach((p, i) => p.resolve(values[i]));
  }

  private transaction<T>(work: () => T): T {
    this.begin.run();
    try {
      const value = work();
      this.commit.run();
      return value;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw e;
    }
  }
}
