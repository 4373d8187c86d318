import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { registerMerchant, tempHome } from '../helpers/cli.js';
import { merchant, ticker } from './fixtures.js';

// A SQLite database holds merchant secrets: the file SQLite writes to, its -wal and its -shm are
// the owner's alone (0600), whatever the umask. A umask of 0 here (children inherit it) would
// leave SQLite's own default, 0644, visible.

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

let dir: string;
let umask: number;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'esipay-mode-'));
  umask = process.umask(0);
});
after(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

test('a new database file, its -wal and its -shm are created 0600', async () => {
  const file = join(dir, 'new', 'esipay.db');
  const store = await openStore(file);
  try {
    const at = ticker();
    await store.insertMerchant(merchant(at()));
    for (const path of [file, `${file}-wal`, `${file}-shm`]) {
      assert.ok(existsSync(path), `${path} exists while the store is open`);
      assert.equal(mode(path), '0600', `${path}`);
    }
    assert.equal(mode(join(dir, 'new')), '0700');
  } finally {
    await store.close();
  }
  assert.equal(mode(file), '0600');
});

test('a database file that already exists keeps the mode its owner gave it, and so do its -wal and -shm', async () => {
  const file = join(dir, 'chosen.db');
  writeFileSync(file, '');
  chmodSync(file, 0o640);
  const store = await openStore(file);
  try {
    for (const path of [file, `${file}-wal`, `${file}-shm`]) assert.equal(mode(path), '0640', `${path}`);
  } finally {
    await store.close();
  }
});

test('the database the CLI creates in ESIPAY_HOME is 0600', async () => {
  const home = tempHome();
  try {
    await registerMerchant(home.home, 'http://127.0.0.1:1/paid');
    assert.equal(mode(join(home.home, 'esipay.db')), '0600');
  } finally {
    home.cleanup();
  }
});
