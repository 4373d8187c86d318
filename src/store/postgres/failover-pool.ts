import pg from 'pg';
import { type HostList, hostName, type PgHost, type SessionTarget } from './hosts.js';

/**
 * A pool over several PostgreSQL hosts (a primary and its standbys) that writes to the one that
 * takes writes, as libpq's target_session_attrs=read-write does. It holds a node-postgres pool to
 * that host and re-picks when it stops being usable:
 * - any failure that says the database is unavailable (a connection refused or lost, a server
 *   shutting down) or read-only (25006: a demoted primary, a fenced one) makes it ask the host
 *   again on a connection of its own; a host that no longer answers, or answers read-only, is
 *   dropped and the next request looks for the writable one, so a demoted primary gets no writes;
 * - looking means asking every host at once and taking the first writable one to answer, so a
 *   host that hangs delays nothing once another answered;
 * - while none is writable every request fails at once as unavailable (code 08001, as libpq
 *   says it), and the hosts are asked again at most every MISS_HOLD_MS, not once per request.
 * A request in flight on a dropped host fails as unavailable; nothing is retried here (a retry
 * is only safe where the caller knows nothing was done).
 */

export type HostState = 'writable' | 'read-only';

/** How long a "no writable server" answer is given again without asking the hosts again. */
const MISS_HOLD_MS = 250;

export interface FailoverOptions {
  /** A node-postgres pool to one host, from its one-host URL. */
  open(url: string): pg.Pool;
  /** Whether the host at this one-host URL takes writes; throws when it cannot be reached. */
  probe(url: string): Promise<HostState>;
  /** A failure that may mean the host is gone or read-only, so it is asked again. */
  suspect(e: unknown): boolean;
  /** The error in one line, the password hidden. */
  describe(e: unknown): string;
  /** One line for the operator. */
  report(line: string): void;
  /** A monotonic clock in ms, for MISS_HOLD_MS only. */
  clock?: () => number;
}

export class FailoverPool {
  private current: { host: PgHost; pool: pg.Pool } | undefined;
  private picking: Promise<pg.Pool> | undefined;
  private checking = false;
  private miss: { at: number; error: Error } | undefined;
  /** A "no server takes writes" line was written, and no host was found since. */
  private outage = false;
  private last: PgHost | undefined;
  /** Dropped pools that still had requests queued, and the ends in progress. */
  private readonly retired = new Set<pg.Pool>();
  private readonly ending = new Set<Promise<void>>();
  private closed = false;
  private readonly clock: () => number;

  constructor(
    private readonly list: HostList,
    private readonly opts: FailoverOptions,
  ) {
    this.clock = opts.clock ?? (() => performance.now());
  }

  async query(query: string | pg.QueryConfig<unknown[]>, values?: unknown[]): Promise<pg.QueryResult> {
    const pool = await this.live();
    try {
      return await (typeof query === 'string' ? pool.query(query, values) : pool.query(query));
    } catch (e) {
      this.failed(e);
      throw e;
    }
  }

  async connect(): Promise<pg.PoolClient> {
    const pool = await this.live();
    try {
      return await pool.connect();
    } catch (e) {
      this.failed(e);
      throw e;
    }
  }

  /** Hears of a failure on one of its connections (its own, or one the store met). */
  failed(e: unknown): void {
    const current = this.current;
    if (!current || this.checking || this.closed || !this.opts.suspect(e)) return;
    this.checking = true;
    this.opts
      .probe(this.list.urlFor(current.host))
      .then(
        (state) => (state === 'writable' ? undefined : this.retire(current, 'it is read-only now')),
        (err: unknown) => this.retire(current, this.opts.describe(err)),
      )
      .finally(() => (this.checking = false));
  }

  async end(): Promise<void> {
    this.closed = true;
    await this.picking?.catch(() => undefined);
    if (this.current) this.endPool(this.current.pool);
    this.current = undefined;
    for (const pool of this.retired) this.endPool(pool);
    this.retired.clear();
    await Promise.all(this.ending);
  }

  /** The pool of the writable host, picked first when there is none. */
  private async live(): Promise<pg.Pool> {
    for (;;) {
      if (this.closed) throw new Error('Cannot use a pool after calling end on the pool');
      const pool = this.current?.pool ?? (await (this.picking ??= this.pick().finally(() => (this.picking = undefined))));
      // It may have been dropped while this waited: then look again rather than use it.
      if (pool === this.current?.pool) return pool;
    }
  }

  private async pick(): Promise<pg.Pool> {
    if (this.miss && this.clock() - this.miss.at < MISS_HOLD_MS) throw this.miss.error;
    const found = await this.find();
    if (this.closed) throw new Error('Cannot use a pool after calling end on the pool');
    if ('error' in found) {
      this.miss = { at: this.clock(), error: found.error };
      // Said once per outage, and only after a host took writes: a first look that fails is the
      // caller's error (a command exits with it), not news for the log.
      if (!this.outage && this.last)
        this.opts.report(`esipay: PostgreSQL: ${found.error.message}: requests answer unavailable until one does`);
      this.outage = true;
      throw found.error;
    }
    const { host } = found;
    if (this.outage || (this.last && hostName(this.last) !== hostName(host)))
      this.opts.report(`esipay: PostgreSQL: writing to ${hostName(host)}`);
    this.miss = undefined;
    this.outage = false;
    this.last = host;
    const pool = this.opts.open(this.list.urlFor(host));
    this.current = { host, pool };
    return pool;
  }

  /** Asks every host at once: the first writable one to answer, or why none is. */
  private find(): Promise<{ host: PgHost } | { error: Error }> {
    const { hosts } = this.list;
    return new Promise((resolve) => {
      const why: string[] = [];
      let left = hosts.length;
      let found = false;
      hosts.forEach((host, i) => {
        this.opts
          .probe(this.list.urlFor(host))
          .then(
            (state) => {
              if (state === 'read-only') why[i] = `${hostName(host)} is read-only`;
              else if (!found) {
                found = true;
                resolve({ host });
              }
            },
            (e: unknown) => (why[i] = `${hostName(host)}: ${this.opts.describe(e)}`),
          )
          .finally(() => {
            if (--left === 0 && !found) resolve({ error: noWritableServer(why) });
          });
      });
    });
  }

  private retire(dropped: { host: PgHost; pool: pg.Pool }, why: string): void {
    if (this.current !== dropped) return;
    this.current = undefined;
    const others = this.list.hosts.map(hostName).join(', ');
    this.opts.report(
      `esipay: PostgreSQL ${hostName(dropped.host)} no longer takes writes (${why}): looking for the one that does among ${others}`,
    );
    // Requests already queued for one of its connections are served by it (and fail at once if
    // the host is gone): an ended pool would leave them waiting for the connect timeout. Its
    // idle connections close by themselves (idleTimeoutMillis), and end() ends it.
    if (dropped.pool.waitingCount > 0) this.retired.add(dropped.pool);
    else this.endPool(dropped.pool);
  }

  private endPool(pool: pg.Pool): void {
    if (pool.ending) return;
    const done = pool.end().catch(() => undefined);
    this.ending.add(done);
    void done.then(() => this.ending.delete(done));
  }
}

/** The error of "no host takes writes": 08001, libpq's "unable to establish a connection". */
function noWritableServer(why: string[]): Error {
  return Object.assign(new Error(`no server takes writes (${why.filter(Boolean).join('; ')})`), { code: '08001' });
}

/**
 * Opens one connection to the host at `url`, asks whether it takes writes as `target` means it,
 * closes it. Throws when the host cannot be reached within timeoutMs.
 */
export async function probeHost(url: string, target: SessionTarget, timeoutMs: number): Promise<HostState> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'esipay',
  });
  // A probe whose connection breaks is a failed probe, never an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    if (target === 'any') return 'writable';
    const { rows } = await client.query(
      target === 'primary' ? 'SELECT pg_is_in_recovery() AS ro' : "SELECT current_setting('transaction_read_only') = 'on' AS ro",
    );
    return (rows[0] as { ro?: unknown } | undefined)?.ro === false ? 'writable' : 'read-only';
  } finally {
    await client.end().catch(() => undefined);
  }
}
