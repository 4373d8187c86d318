import { EsipayError, unavailable } from '../../domain/errors.js';

/**
 * SQLite errors that say the database cannot take the write now, for a reason that is nobody's
 * request: the disk is full, it failed, the file turned read-only or went away, another process
 * holds the lock past busy_timeout. They become "unavailable" (503, 500 on the v2 routes, exit 5)
 * naming the cause, and the service logs them; once the cause is gone the next write succeeds,
 * with no restart. Anything else (a constraint, a bug) is left as it is.
 */
const UNAVAILABLE = /^SQLITE_(FULL|IOERR|READONLY|BUSY|LOCKED|CANTOPEN|PERM|NOMEM|PROTOCOL)/;

const CAUSES: Record<string, string> = {
  SQLITE_FULL: 'the disk is full',
  SQLITE_IOERR: 'the disk failed to write',
  SQLITE_READONLY: 'the database file is read-only',
  SQLITE_BUSY: 'another process holds the database lock',
  SQLITE_LOCKED: 'the database is locked',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_PERM: 'the database file may not be written',
  SQLITE_NOMEM: 'out of memory',
};

export function sqliteWriteError(e: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (e instanceof EsipayError || typeof code !== 'string' || !UNAVAILABLE.test(code)) return e;
  const family = /^SQLITE_[A-Z]+/.exec(code)![0];
  return unavailable(
    'store_unavailable',
    `the database cannot be written: ${CAUSES[family] ?? 'SQLite refused the write'} (${code}: ${(e as Error).message})`,
    family === 'SQLITE_FULL'
      ? 'free disk space where the database lives; esipay goes on by itself'
      : 'check the database file and its disk',
  );
}
