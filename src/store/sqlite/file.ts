import { builtin } from '../../util/builtin.js';

// Built-ins without their ESM facades: every local command opens the store (src/util/builtin.ts).
const { closeSync, fchmodSync, openSync } = builtin('node:fs');

/** Owner read and write, nobody else: the database holds merchant secrets. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the database file, empty, with PRIVATE_FILE_MODE, when it does not exist yet (SQLite
 * takes an empty file for a new database). SQLite gives the -wal and -shm files it creates beside a
 * database the database file's mode, so made first this way they are private too; left to SQLite,
 * all three would be 0644 less the umask. A file that exists is left as it is: its owner chose
 * its mode.
 */
export function createPrivateFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
  } catch {
    // It exists (another process may have made it just now: its mode stands), or it cannot be
    // made: SQLite opens it or says why it cannot, in its own words, as callers expect.
    return;
  }
  try {
    // The umask may have taken bits away from the mode asked for (0400 under a umask of 0277): set it whole.
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}
