import assert from 'node:assert/strict';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { merchant, ticker, transaction } from '../store/fixtures.js';
import { waitUntil } from '../helpers/wait-until.js';
import { delay } from './live.js';
import { smallDisk } from './small-disk.js';

/**
 * The checkpointer thread of a SQLite store (src/store/sqlite/checkpointer.ts) meets a full disk:
 * copying the WAL into the database file needs the file to grow. Its failure is said once, with
 * its cause, not once per try; nothing committed is lost; once space is back it says so and
 * checkpoints again.
 */
describe('the SQLite checkpointer on a full disk', () => {
  it('logs the failure once with its cause, and recovers by itself', { timeout: 60_000 }, async () => {
    const disk = smallDisk();
    const file = join(disk.dir, 'esipay.db');
    const lines: string[] = [];
    const store = new SqliteStore(file, {
      checkpointer: await import('../../src/store/sqlite/checkpointer.js'),
      log: (l) => lines.push(l),
    });
    try {
      await store.migrate();
      const at = ticker();
      const m = merchant(at());
      await store.insertMerchant(m);
      // A reader's snapshot from before the rows keeps the checkpointer from copying them...
      const reader = new Database(file, { readonly: true });
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM merchants').get();
      const ids: string[] = [];
      for (let group = 0; group < 10; group++) {
        const txs = Array.from({ length: 200 }, () => transaction(m, at()));
        ids.push(...txs.map((t) => t.id));
        await Promise.all(txs.map((t) => store.insertTransaction(t))); // one commit: a small WAL
      }
      // ... until the disk is full: then they have nowhere to go in the database file.
      const filler = disk.fill();
      reader.exec('COMMIT');
      reader.close();
      await store.setSetting('wake', 'x').catch(() => undefined); // a commit attempt wakes the thread
      await waitUntil('the checkpoint failure is logged', 20_000, () => lines.length > 0);
      // It is tried again each second while the disk stays full: still one line.
      await delay(2500);
      const failures = lines.filter((l) => /checkpoint failed/.test(l));
      assert.equal(failures.length, 1, lines.join('\n'));
      assert.match(failures[0]!, /SQLITE_FULL/);

      unlinkSync(filler);
      await store.setSetting('wake', 'y');
      await waitUntil('checkpoints succeed again', 20_000, () => lines.some((l) => /succeed again/.test(l)));
      assert.equal(lines.filter((l) => /checkpoint failed/.test(l)).length, 1, lines.join('\n'));
      await store.close();
      const check = new Database(file, { readonly: true });
      try {
        const n = check.prepare('SELECT count(*) AS n FROM transactions').get() as { n: number };
        assert.equal(n.n, ids.length, 'every committed row is there');
      } finally {
        check.close();
      }
    } finally {
      await store.close().catch(() => undefined);
      disk.release();
    }
  });
});
