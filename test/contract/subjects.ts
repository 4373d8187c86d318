import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { RemoteEngine } from '../../src/engine/remote/remote-engine.js';
import { openStore } from '../../src/store/open-store.js';
import { startServe } from '../helpers/serve.js';
import type { ContractSubject } from './engine-contract.js';

/** Short enough that the "return URL never answers" cases stay quick. */
export const CONTRACT_CALLBACK_TIMEOUT_MS = 1_000;

/** A fresh SQLite file in a temporary directory, and how to remove it. */
export function tempSqlite(): { db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-contract-'));
  return { db: join(dir, 'esipay.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The local engine in-process over `db` (SQLite path or postgres:// URL). */
export async function localSubject(db: string, cleanup: () => Promise<void> | void = () => undefined): Promise<ContractSubject> {
  const store = await openStore(db);
  const engine = await LocalEngine.create(store, { callbackTimeoutMs: CONTRACT_CALLBACK_TIMEOUT_MS });
  return {
    engine,
    merchantIp: '127.0.0.1',
    callbackTimeoutMs: CONTRACT_CALLBACK_TIMEOUT_MS,
    cleanup: async () => {
      await engine.close();
      await cleanup();
    },
  };
}

/** The remote engine talking to a real `esipay serve --db <db>` child process on loopback. */
export async function remoteSubject(db: string, cleanup: () => Promise<void> | void = () => undefined): Promise<ContractSubject> {
  const token = `contract-${randomBytes(16).toString('hex')}`;
  const serve = await startServe({ db, adminToken: token, args: ['--callback-timeout', String(CONTRACT_CALLBACK_TIMEOUT_MS), '--quiet'] });
  const engine = new RemoteEngine({ url: serve.url, token });
  return {
    engine,
    merchantIp: '127.0.0.1',
    callbackTimeoutMs: CONTRACT_CALLBACK_TIMEOUT_MS,
    cleanup: async () => {
      await engine.close();
      const exit = await serve.stop();
      await cleanup();
      if (exit.code !== 0) throw new Error(`esipay serve did not stop cleanly (${exit.code ?? exit.signal}):\n${serve.stderr()}`);
    },
  };
}
