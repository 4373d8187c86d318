import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthorisationRequest } from '../../src/acquirer/acquirer.js';
import { SimulatedAcquirer } from '../../src/acquirer/simulator.js';
import type { CallbackRequest, CallbackSender } from '../../src/callback/sender.js';
import { sweepAbandoned } from '../../src/server/workers/abandoned-payments.js';
import { engineFixture, VISA } from '../v4/fixtures.js';
import { serviceDeps } from '../helpers/service-deps.js';

/** The simulator, recording the references it approves and the ones it is asked to release. */
class RecordingAcquirer extends SimulatedAcquirer {
  approved: string[] = [];
  released: string[] = [];
  override async authorise(req: AuthorisationRequest) {
    const r = await super.authorise(req);
    if (r.approved) this.approved.push(req.reference);
    return r;
  }
  override async release(reference: string) {
    this.released.push(reference);
  }
}

/** A return URL the service dies waiting for: the send never settles. */
class DyingCallbacks implements CallbackSender {
  sent: CallbackRequest[] = [];
  private waiter: (() => void) | undefined;
  send(req: CallbackRequest) {
    this.sent.push(req);
    this.waiter?.();
    return new Promise<never>(() => undefined);
  }
  reached(): Promise<void> {
    return new Promise((resolve) => (this.sent.length > 0 ? resolve() : (this.waiter = resolve)));
  }
}

describe('payments abandoned by a crash', () => {
  it('are cancelled past their deadline, and the approval the acquirer gave is released', async () => {
    const acquirer = new RecordingAcquirer();
    const callbacks = new DyingCallbacks();
    const f = await engineFixture({ acquirer, callbacks });
    try {
      void f.engine.pay({ merchant: f.merchant.uuid, cid: 'order-crash', card: VISA, amount: '12.00' });
      await callbacks.reached();
      const [pending] = (await f.engine.listTransactions({ merchant: f.merchant.uuid })).items;
      assert.equal(pending?.status, 'PENDING');
      assert.deepEqual(acquirer.approved, [pending!.id], 'approved under the reference of the transaction');

      const deps = serviceDeps(f.engine, f.store);
      assert.deepEqual(await sweepAbandoned(deps), [], 'within its deadline it is left alone');
      assert.deepEqual(acquirer.released, []);

      f.clock.advanceMs(10 * 60_000);
      assert.deepEqual(await sweepAbandoned(deps), [pending!.id]);
      assert.equal((await f.store.getTransaction(pending!.id))?.status, 'CANCELLED');
      assert.deepEqual(acquirer.released, acquirer.approved, 'the held funds are released');
      assert.deepEqual(await sweepAbandoned(deps), [], 'once');
    } finally {
      await f.store.close();
    }
  });
});
