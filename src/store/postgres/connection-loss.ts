import { errorLine, type PoolWatch } from './pool.js';

/** After a line, further losses stay quiet this long: one incident, one line. */
const QUIET_MS = 10_000;

/**
 * A connection lost under the store (the server restarted, failed over, or an operator ran
 * pg_terminate_backend) fails the request on it as unavailable; the pool drops it and the next
 * request opens a new one by itself. The operator hears of it in one line with the cause. One
 * connection lost fires several events (the query's error, the client's 'error', the pool's), and
 * a restart or a pg_terminate_backend over the database cuts every connection within a few
 * milliseconds while new ones already succeed, so a line is written for the first loss and the
 * losses of the next QUIET_MS are taken to be the same incident.
 *
 * Every failure reported here also reaches the listeners: a pool over several hosts listens, to
 * ask its host again when a failure may mean it is gone or read-only (failover-pool.ts).
 */
export class ConnectionLoss implements PoolWatch {
  private lastLine: number | undefined;
  private readonly listeners: ((e: unknown) => void)[] = [];

  constructor(
    private readonly url: string,
    private readonly log: (line: string) => void,
    /** A monotonic clock in ms, for the quiet period only (not a business time). */
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Something failed on a connection: reported when it is a loss, unless one was just reported. */
  failed(e: unknown): void {
    for (const fn of this.listeners) fn(e);
    if (!isConnectionLoss(e)) return;
    const now = this.clock();
    if (this.lastLine !== undefined && now - this.lastLine < QUIET_MS) return;
    this.lastLine = now;
    this.log(
      `esipay: lost a connection to PostgreSQL (${errorLine(e, this.url)}): the request on it fails as unavailable, the next one opens a new connection`,
    );
  }

  listen(fn: (e: unknown) => void): void {
    this.listeners.push(fn);
  }

  /** A line of the pool's own (which host takes the writes), as it is. */
  report(line: string): void {
    this.log(line);
  }
}

/** An error that says an established connection is gone (rather than that none could be opened). */
export function isConnectionLoss(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  const code = typeof err.code === 'string' ? err.code : '';
  // 57P01 admin shutdown or pg_terminate_backend, 57P02 crash shutdown, 57P05 idle session timeout.
  if (/^57P0[125]$/.test(code) || code === 'ECONNRESET' || code === 'EPIPE') return true;
  const message = typeof err.message === 'string' ? err.message : '';
  return /Connection terminated unexpectedly|not queryable/i.test(message);
}
