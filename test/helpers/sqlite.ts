import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh SQLite file in a temporary directory, and how to remove it. */
export function tempSqlite(): { db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-contract-'));
  return { db: join(dir, 'esipay.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
