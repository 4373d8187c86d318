import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { merchant, ticker, transaction } from './fixtures.js';

// `esipay serve` checkpoints SQLite's WAL in a worker thread (src/store/sqlite/checkpointer.ts).
// What an operator must be able to count on: under writes that never pause, the -wal file stays
// under its bound (PASSIVE checkpoints alone never catch up and let it grow without end), every
// write is there after a reopen, and close() stops the thread.

const LIMIT = 1024 * 1024; // small, so that a few thousand payments cross it many times
const PAYMENTS = 6000;
/** One group commit's frames can land past the limit before writes are held. */
const SLACK = 512 * 1024;

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'esipay-checkpointer-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

const walSize = (file: string): number => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;

test('under continuous writes the WAL stays under its bound, and every write is there after a reopen', async () => {
  const file = join(dir, 'continuous.db');
  const lines: string[] = [];
  const store = new SqliteStore(file, {
    checkpointer: await import('../../src/store/sqlite/checkpointer.js'),
    walLimitBytes: LIMIT,
    log: (l) => lines.push(l),
  });
  await store.migrate();
  const at = ticker();
  const m = merchant(at());
  await store.insertMerchant(m);
  const ids: string[] = [];
  let largest = 0;
  let written = 0;
  // 32 writers that each start the next write as soon as the last is committed: the WAL never rests.
  const writer = async () => {
    while (written < PAYMENTS) {
      written++;
      const t = transaction(m, at(), { status: 'PENDING' });
      await store.insertTransaction(t);
      largest = Math.max(largest, walSize(file));
      await store.transitionTransaction(t.id, [t.status], { status: 'PAID', updatedAt: at() });
      ids.push(t.id);
      largest = Math.max(largest, walSize(file));
    }
  };
  await Promise.all(Array.from({ length: 32 }, writer));
  await store.close();
  // The thread's connection closed first: the store's, the last one, folded the WAL in and removed it.
  assert.equal(walSize(file), 0, 'the -wal file is gone after close');
  assert.ok(largest > LIMIT / 4, `the WAL grew (${largest} bytes): the test wrote enough to cross the limit`);
  assert.ok(largest <= LIMIT + SLACK, `the -wal file reached ${largest} bytes, over its bound of ${LIMIT + SLACK}`);
  assert.deepEqual(lines, [], 'nothing went wrong');

  const reopened = new Database(file, { readonly: true });
  try {
    const stored = reopened.prepare("SELECT count(*) AS n FROM transactions WHERE status = 'PAID'").get() as { n: number };
    assert.equal(stored.n, ids.length);
    assert.equal(reopened.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    reopened.close();
  }
});
