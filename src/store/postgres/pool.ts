import pg from 'pg';
import { readEnv } from '../../config/env.js';
import { EsipayError } from '../../domain/errors.js';
import { printableLocation } from '../location.js';
import { FailoverPool, probeHost } from './failover-pool.js';
import { parseHostList } from './hosts.js';

/**
 * The connection pool of one PostgresStore, and the translation of "cannot reach the database"
 * into an EsipayError (kind unavailable: exit 5, HTTP 503) with a one-line message that never
 * carries the password.
 */

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** int8 and numeric (SUM of bigints) come back as strings: only safe integers are money here. */
export function safeInteger(text: string): number {
  if (!/^-?\d+$/.test(text)) throw new Error(`not an integer in the database: ${text}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`not a safe integer in the database: ${text}`);
  return n;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => safeInteger(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** How many connections one instance holds at most (ESIPAY_PG_POOL_MAX, default 10). */
export function poolMax(): number {
  return readEnv('ESIPAY_PG_POOL_MAX');
}

/** What the store queries through: a pool, or one of its connections inside a transaction. */
export interface Queryable {
  query(query: pg.QueryConfig<unknown[]>): Promise<pg.QueryResult>;
}

/** The store's pool: node-postgres' for one host, a FailoverPool over several. */
export interface StorePool extends Queryable {
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
}

/** Where the pool reports (connection-loss.ts): failures it meets, lines for the operator; and hears the store's. */
export interface PoolWatch {
  /** A connection failed (lost, refused, or an error on a query). */
  failed(e: unknown): void;
  /** fn hears of every failure reported through failed(), the store's included. */
  listen(fn: (e: unknown) => void): void;
  /** One line for the operator. */
  report(line: string): void;
}

/**
 * The pool for a store URL. One host: node-postgres' pool on the URL as it is. Several hosts
 * (postgres://h1:p1,h2:p2/db?target_session_attrs=read-write), or one asked to be writable: a
 * FailoverPool that writes to the writable one and follows it when it changes.
 */
export function createPool(url: string, watch: PoolWatch): StorePool {
  const list = parseHostList(url);
  const onLost = (e: Error) => watch.failed(e);
  if (!list) return hostPool(url, onLost);
  const connectTimeout = readEnv('ESIPAY_PG_CONNECT_TIMEOUT_MS');
  const pool = new FailoverPool(list, {
    open: (hostUrl) => hostPool(hostUrl, onLost),
    probe: (hostUrl) => probeHost(hostUrl, list.target, connectTimeout),
    suspect: isUnavailable,
    describe: (e) => errorLine(e, url),
    report: (line) => watch.report(line),
  });
  watch.listen((e) => pool.failed(e));
  return pool;
}

/** `onLost` hears of every connection the pool loses, idle or in use (see connection-loss.ts). */
function hostPool(url: string, onLost: (e: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax(),
    connectionTimeoutMillis: readEnv('ESIPAY_PG_CONNECT_TIMEOUT_MS'),
    // A server that stops answering without closing the connection (frozen, partitioned, or a
    // backend left behind by a crash) would hold a request for ever: each query has a deadline,
    // and the connection under one that missed it is dropped (postgres-store.ts). TCP keepalive
    // finds an idle connection to a vanished host.
    query_timeout: readEnv('ESIPAY_PG_QUERY_TIMEOUT_MS'),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'esipay',
    types,
  });
  // An idle connection dropped by the server (restart, failover, pg_terminate_backend) must not
  // crash the process: the pool discards it, the next query opens a new one, and it is reported.
  pool.on('error', onLost);
  // The pool listens to a connection only while it is idle. One lost while in use, or in the
  // instant it passes from one holder to the next (a chunk from the server can end one query and
  // bring the termination notice together), would emit an 'error' no one hears, and that ends the
  // process. So every connection has a listener of its own, from its first moment to its last;
  // a lost one is no longer queryable and the pool drops it when it is released.
  pool.on('connect', (client) => client.on('error', onLost));
  return pool;
}

/** SQLSTATE classes and socket codes that mean "the database cannot be used right now". */
const UNAVAILABLE_SOCKET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** pg's error for a query that got no answer within query_timeout (ESIPAY_PG_QUERY_TIMEOUT_MS). */
export function isQueryTimeout(e: unknown): boolean {
  return e instanceof Error && e.message === 'Query read timeout' && !('code' in e);
}

export function isUnavailable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  if (isQueryTimeout(e)) return true;
  const code = typeof err.code === 'string' ? err.code : '';
  if (UNAVAILABLE_SOCKET.has(code)) return true;
  // 08: connection exception; 28: invalid authorisation; 3D000: no such database;
  // 57P01-57P03: the server is shutting down or starting (57P01 too when pg_terminate_backend
  // ended this connection); 57P05: the server closed an idle session; 25006: the server is
  // read-only (a standby, a demoted or fenced primary): writes must wait for the writable one.
  if (/^(08|28)/.test(code) || code === '3D000' || /^57P0[1235]$/.test(code) || code === '25006') return true;
  const message = typeof err.message === 'string' ? err.message : '';
  // "not queryable": pg's answer to a query on a connection that was lost before it was sent.
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout|not queryable/i.test(message);
}

/** The error in one line, the URL's password hidden. */
export function errorLine(e: unknown, url: string): string {
  if (isQueryTimeout(e)) return `no answer within ${readEnv('ESIPAY_PG_QUERY_TIMEOUT_MS')} ms (ESIPAY_PG_QUERY_TIMEOUT_MS)`;
  const err = e as { code?: string; message?: string } | null;
  return oneLine(err?.message || err?.code || 'unknown error').replaceAll(url, printableLocation(url));
}

/** Rethrows a connection failure as EsipayError unavailable; anything else (a bug, a constraint) unchanged. */
export function translate(e: unknown, url: string): never {
  if (e instanceof EsipayError || !isUnavailable(e)) throw e;
  throw new EsipayError(
    'unavailable',
    'store_unavailable',
    // No location here: callers that open a store already say which one (printableLocation).
    `PostgreSQL is unavailable: ${errorLine(e, url)}`,
    'check that PostgreSQL runs and that --db or ESIPAY_DB is right',
  );
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
