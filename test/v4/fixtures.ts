import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Acquirer } from '../../src/acquirer/acquirer.js';
import type { CallbackSender } from '../../src/callback/sender.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import type { MerchantWithSecret } from '../../src/domain/types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

/**
 * A clock the test moves by hand: the 180-day validity and the 30-day guarantee without waiting.
 * Frozen by default; `running` lets it tick with real time from its start (for the outbox
 * deliverer, whose retries come due on the engine's clock).
 */
export class TestClock {
  private offsetMs: number;
  private readonly frozenAt: number | undefined;
  constructor(start = '2030-01-10T10:00:00.000Z', opts: { running?: boolean } = {}) {
    this.offsetMs = Date.parse(start) - (opts.running ? Date.now() : 0);
    this.frozenAt = opts.running ? undefined : 0;
  }
  readonly read = (): Date => new Date((this.frozenAt ?? Date.now()) + this.offsetMs);
  advanceDays(days: number): void {
    this.offsetMs += days * 86_400_000;
  }
  advanceMs(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface EngineFixture {
  engine: LocalEngine;
  store: Store;
  clock: TestClock;
  merchant: MerchantWithSecret;
  dir: string;
  close(): Promise<void>;
}

/** A LocalEngine over a fresh SQLite file, with a merchant in EUR. */
export async function engineFixture(
  opts: { acquirer?: Acquirer; callbacks?: CallbackSender; notificationUrl?: string; currency?: string; clock?: TestClock } = {},
): Promise<EngineFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-v4-'));
  const store = await openStore(join(dir, 'esipay.db'));
  const clock = opts.clock ?? new TestClock();
  const engine = await LocalEngine.create(store, {
    clock: clock.read,
    ...(opts.acquirer ? { acquirer: opts.acquirer } : {}),
    ...(opts.callbacks ? { callbacks: opts.callbacks } : {}),
  });
  const merchant = await engine.registerMerchant({
    name: 'Boutique',
    ip: '127.0.0.1',
    returnUrl: 'http://127.0.0.1:9/return',
    currency: opts.currency ?? 'EUR',
    ...(opts.notificationUrl ? { notificationUrl: opts.notificationUrl } : {}),
  });
  return {
    engine,
    store,
    clock,
    merchant,
    dir,
    close: async () => {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const VISA = { number: '4111111111111111', month: '12', year: '2035' };
export const DECLINED_CARD = { number: '4000000000000002', month: '12', year: '2035' };
export const FAILING_CARD = { number: '4000000000000119', month: '12', year: '2035' };

/** A buyer's billing address as a V4 request sends it (customer.billingDetails). */
export const JANE_BILLING = {
  firstName: 'Jane',
  lastName: 'Doe',
  address: '1 rue de la Paix',
  zipCode: '75002',
  city: 'Paris',
  country: 'FR',
};
