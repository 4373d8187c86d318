import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open-store.js';
import { refundKeyContract } from './refund-keys.js';
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
