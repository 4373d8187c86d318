import pg from 'pg';
import { EsipayError } from '../../domain/errors.js';
import { printableLocation } from '../location.js';

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
  const raw = process.env.ESIPAY_PG_POOL_MAX;
  if (raw === undefined || raw === '') return 10;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new EsipayError('invalid', 'invalid_pool_size', 'ESIPAY_PG_POOL_MAX must be a whole number from 1 to 1000');
  }
  return n;
}

export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax(),
    connectionTimeoutMillis: Number(process.env.ESIPAY_PG_CONNECT_TIMEOUT_MS) || 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'esipay',
    types,
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process:
  // the pool discards it and the next query opens a new one.
  pool.on('error', () => undefined);
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

export function isUnavailable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  const code = typeof err.code === 'string' ? err.code : '';
  if (UNAVAILABLE_SOCKET.has(code)) return true;
  // 08: connection exception; 28: invalid authorisation; 3D000: no such database;
  // 57P01-57P03: the server is shutting down or starting.
  if (/^(08|28)/.test(code) || code === '3D000' || /^57P0[123]$/.test(code)) return true;
  const message = typeof err.message === 'string' ? err.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(message);
}

/** Rethrows a connection failure as EsipayError unavailable; anything else (a bug, a constraint) unchanged. */
export function translate(e: unknown, url: string): never {
  if (e instanceof EsipayError || !isUnavailable(e)) throw e;
  const err = e as { code?: string; message?: string };
  const detail = oneLine(err.message || err.code || 'unknown error').replaceAll(url, printableLocation(url));
  throw new EsipayError(
    'unavailable',
    'store_unavailable',
    // No location here: callers that open a store already say which one (printableLocation).
    `PostgreSQL is unavailable: ${detail}`,
    'check that PostgreSQL runs and that --db or ESIPAY_DB is right',
  );
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
