import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TransactionView } from '../../src/domain/types.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { openStore } from '../../src/store/open-store.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

/** Terminal input as a terminal sends it. */
export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
} as const;

/**
 * Waits until `test` holds, checking every 10 ms, and fails after `timeoutMs` saying what it
 * waited for and the last thing it saw: the UI settles when the engine answers, not on a timer.
 */
export async function waitFor(what: string, test: () => boolean, seen: () => string | undefined, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last frame:\n${seen() ?? '(none)'}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface SeededEngine {
  engine: LocalEngine;
  merchant: string;
  /** Newest first, as the dashboard lists them. */
  payments: TransactionView[];
  receiver: Receiver;
  cleanup(): Promise<void>;
}

/**
 * A LocalEngine over a fresh SQLite file, with a merchant whose return URL (a loopback receiver)
 * answers 200, and `amounts` paid through the engine with the test card, oldest first. A `clock`
 * dates what the engine writes (payments on other days).
 */
export async function seededEngine(amounts: string[], opts: { clock?: () => Date } = {}): Promise<SeededEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-tui-'));
  const receiver = await startReceiver(200);
  const engine = await LocalEngine.create(await openStore(join(dir, 'esipay.db')), opts.clock ? { clock: opts.clock } : {});
  const merchant = (await engine.registerMerchant({ name: 'Boutique', ip: '127.0.0.1', returnUrl: `${receiver.url}/paid` })).uuid;
  const payments: TransactionView[] = [];
  for (const [i, amount] of amounts.entries()) {
    payments.unshift(
      await engine.pay({ merchant, cid: `order-${i + 1}`, amount, card: { number: '4111111111111111', month: '12', year: '2030' } }),
    );
  }
  return {
    engine,
    merchant,
    payments,
    receiver,
    cleanup: async () => {
      await engine.close();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Stops the controllers a test opened and waits for what they were doing, then unmounts Ink. */
export async function stopAll(controllers: { stop(): void; idle(): Promise<void> }[], unmount: () => void): Promise<void> {
  for (const c of controllers.splice(0)) {
    c.stop();
    await c.idle();
  }
  unmount();
}
