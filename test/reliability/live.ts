import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TransactionRecord } from '../../src/domain/types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { type ServeProcess, startServe, type StartServeOptions } from '../helpers/serve.js';
import { jsonCall } from './raw-http.js';

/** Shared pieces of the live-service reliability tests. */

/** A deterministic random source (mulberry32), seeded from ESIPAY_RELIABILITY_SEED or the clock, and printed. */
export function seededRandom(label: string): () => number {
  let seed = Number(process.env.ESIPAY_RELIABILITY_SEED ?? Date.now() % 2 ** 31);
  console.log(`[reliability] ${label}: seed ${seed} (ESIPAY_RELIABILITY_SEED=${seed} repeats it)`);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function registerMerchant(
  serve: { url: string; token: string },
  returnUrl: string,
  name = 'Boutique',
  ip = '127.0.0.1',
): Promise<{ uuid: string; secret: string }> {
  const r = await jsonCall(`${serve.url}/admin/merchants`, { method: 'POST', token: serve.token, body: { name, ip, returnUrl } });
  if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Every transaction of a merchant, read straight from the store. */
export async function allTransactions(store: Store, merchantId: string): Promise<TransactionRecord[]> {
  const out: TransactionRecord[] = [];
  let before: { createdAt: string; id: string } | undefined;
  for (;;) {
    const page = await store.listTransactions({ merchantId, limit: 500, ...(before ? { before } : {}) });
    out.push(...page);
    const last = page.at(-1);
    if (page.length < 500 || !last) return out;
    before = { createdAt: last.createdAt, id: last.id };
  }
}

/** Opens the database beside a running (or stopped) service, runs fn, closes it. */
export async function withStore<T>(db: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Starts serve again on the same port and database, as an operator's supervisor would after a crash. */
export function restartServe(previous: ServeProcess, opts: StartServeOptions): Promise<ServeProcess> {
  return startServe({ ...opts, adminToken: previous.token, args: [...(opts.args ?? []), '--port', String(previous.port)] });
}
