import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open-store.js';
import Database from 'better-sqlite3';
import { refundKeyContract } from './refund-keys.js';
import { sealedSecretsContract } from './sealed-secrets.js';
import { type StoreHarness, storeContract } from './store-contract.js';

// The Store contract on SQLite: a file per test; several stores on it are several connections.
const sqlite: StoreHarness = {
  name: 'sqlite',
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'esipay-store-'));
    const file = join(dir, 'esipay.db');
    return {
      open: (opts) => openStore(file, opts),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};
storeContract(sqlite);
refundKeyContract(sqlite);

sealedSecretsContract({
  name: 'sqlite',
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'esipay-sealed-'));
    const location = join(dir, 'esipay.db');
    return {
      location,
      async query(sql) {
        const db = new Database(location);
        try {
          const stmt = db.prepare(sql);
          return stmt.reader ? (stmt.all() as Record<string, unknown>[]) : (stmt.run(), []);
        } finally {
          db.close();
        }
      },
      fileBytes: () => Buffer.concat([location, `${location}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f))),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});
