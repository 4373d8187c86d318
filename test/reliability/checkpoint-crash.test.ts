import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { waitUntil } from '../helpers/wait-until.js';
import { registerMerchant, restartServe, tempDir } from './live.js';
import { startMerchantServer } from './merchant-server.js';
import { rawRequest } from './raw-http.js';

const KILLS = 3;
const CLIENTS = 16;
const CARD = '4111111111111111/12/2040';

/**
 * `esipay serve` on SQLite checkpoints its WAL in a worker thread (src/store/sqlite/checkpointer.ts),
 * copying pages into the database file while payments commit. A SIGKILL at such a moment (right
 * after the database file changed: a checkpoint is copying or syncing) must lose no payment that
 * was answered 200, and leave a database that opens whole.
 */
describe('a SIGKILL while the checkpointer copies the WAL', () => {
  it('loses nothing answered 200', { timeout: 180_000 }, async () => {
    const { dir, cleanup } = tempDir('esipay-checkpoint-crash-');
    const db = join(dir, 'esipay.db');
    const merchantServer = await startMerchantServer(() => ({ status: 200 }));
    const serveOpts = { db, args: ['--quiet'] };
    let serve: ServeProcess = await startServe(serveOpts);
    try {
      const merchant = (await registerMerchant(serve, merchantServer.url)).uuid;
      const paid: string[] = [];
      let stop = false;
      let up: Promise<void> = Promise.resolve();
      const client = async (c: number) => {
        for (let i = 0; !stop; i++) {
          const a = await rawRequest(serve.url, {
            method: 'GET',
            target: `/cardpay/${merchant}/k${c}-${i}/${CARD}/10.00`,
            timeoutMs: 8_000,
          });
          if (a.status === 200) paid.push((JSON.parse(a.body) as { id: string }).id);
          else await up; // killed: the next payment once the service is back
        }
      };
      const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
      const dbFile = () => statSync(db, { bigint: true });
      for (let k = 0; k < KILLS; k++) {
        // Only checkpoints write the database file in WAL mode: kill right after it changed.
        const before = dbFile().mtimeNs;
        await waitUntil('a checkpoint wrote the database file', 60_000, () => dbFile().mtimeNs !== before, 1);
        let back!: () => void;
        up = new Promise<void>((resolve) => (back = resolve));
        assert.equal((await serve.stop('SIGKILL')).signal, 'SIGKILL');
        serve = await restartServe(serve, serveOpts);
        back();
        await waitUntil('payments go on after the restart', 60_000, () => paid.length > (k + 1) * 200);
      }
      stop = true;
      await Promise.all(clients);
      await serve.stop('SIGTERM');

      const check = new Database(db, { readonly: true });
      try {
        assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
        const status = check.prepare('SELECT status FROM transactions WHERE id = ?');
        const missing = paid.filter((id) => (status.get(id) as { status: string } | undefined)?.status !== 'PAID');
        assert.deepEqual(missing, [], `${missing.length} of ${paid.length} payments answered 200 are not PAID`);
      } finally {
        check.close();
      }
    } finally {
      await serve.stop('SIGKILL').catch(() => undefined);
      await merchantServer.close();
      cleanup();
    }
  });
});
