import type { MerchantView, MerchantWithSecret, TransactionView } from '../../../src/domain/types.js';
import type { Engine, PayInput } from '../../../src/engine/engine.js';
import { type Behaviour, type Receiver, startReceiver } from '../../helpers/receiver.js';
import { card } from './cards.js';
import { assertEngineTotalsRecounted } from './totals-check.js';

/**
 * One setup of the engine contract: an engine (local over SQLite, remote to a real `esipay serve`,
 * and the PostgreSQL variants) shared by every case of the run. Each case works with merchants of
 * its own, so the cases do not depend on one another.
 */
export interface ContractSubject {
  engine: Engine;
  /** The address the engine's payments and refunds come from, to register merchants with. */
  merchantIp: string;
  /** The return-URL timeout the engine (or its service) runs with: keep it short (≈1 s). */
  callbackTimeoutMs: number;
  /**
   * An initial authorisation made as the V4 API makes one (CreatePayment), so its IPN is queued:
   * the one way to make an event, which the Engine does not offer. A deliverer runs beside the
   * engine (in `esipay serve`, or in process for the local setups) with a short back-off (≈200 ms).
   * Returns the transaction id.
   */
  v4Payment(m: MerchantWithSecret, cardNumber?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export type PayOverrides = Partial<Omit<PayInput, 'card'>> & { card?: Partial<PayInput['card']> };

/** What a use case's cases are written with: the engine under test and the helpers around it. */
export interface ContractContext {
  /** The setup's engine; only inside a case (the setup starts before the first one). */
  readonly engine: Engine;
  readonly subject: ContractSubject;
  /** Declares a case: node:test's it(), or a skip with its reason when the setup skips this case. */
  test(name: string, fn: () => Promise<void>): void;
  /** A reference no other case of the run uses: `${prefix}-${n}`. */
  unique(prefix: string): string;
  receiver(behaviour?: Behaviour): Promise<Receiver>;
  /** A merchant whose return URL behaves as told. */
  merchant(behaviour?: Behaviour, extra?: { currency?: string }): Promise<{ m: MerchantWithSecret; r: Receiver }>;
  payInput(m: Pick<MerchantView, 'uuid'>, over?: PayOverrides): PayInput;
  /** Every page of listTransactions. */
  allTransactions(merchantId: string): Promise<TransactionView[]>;
  /** Every page of listMerchants. */
  allMerchants(): Promise<MerchantView[]>;
}

/** The state of one setup's run: its subject once started, and the receivers its cases opened. */
export class ContractRun {
  private subject: ContractSubject | undefined;
  private readonly receivers: Receiver[] = [];
  private seq = 0;
  /** The merchants the running case registered (ContractContext.merchant): their totals are checked after it. */
  readonly caseMerchants: string[] = [];

  constructor(private readonly start: () => Promise<ContractSubject>) {}

  async begin(): Promise<void> {
    this.subject = await this.start();
  }

  async end(): Promise<void> {
    await Promise.all(this.receivers.map((r) => r.close()));
    await this.subject?.cleanup();
  }

  /**
   * After a case: every merchant it registered has its running totals equal to the recount of
   * its transactions (whatever the case wrote: payments, refunds, shipments, links, clock moves).
   */
  async checkTotals(ctx: ContractContext): Promise<void> {
    const merchants = this.caseMerchants.splice(0);
    for (const m of merchants) await assertEngineTotalsRecounted(ctx.engine, m, (id) => ctx.allTransactions(id));
  }

  /** The context of one use case's cases, declared through `test`. */
  context(test: ContractContext['test']): ContractContext {
    const run = this;
    const unique = (prefix: string) => `${prefix}-${++run.seq}`;
    const receiver = async (behaviour: Behaviour = 200) => {
      const r = await startReceiver(behaviour);
      run.receivers.push(r);
      return r;
    };
    const ctx: ContractContext = {
      get engine() {
        return run.started().engine;
      },
      get subject() {
        return run.started();
      },
      test,
      unique,
      receiver,
      async merchant(behaviour = 200, extra = {}) {
        const r = await receiver(behaviour);
        const m = await ctx.engine.registerMerchant({
          name: unique('Shop'),
          ip: ctx.subject.merchantIp,
          returnUrl: `${r.url}/paid`,
          ...extra,
        });
        run.caseMerchants.push(m.uuid);
        return { m, r };
      },
      payInput: (m, over = {}) => ({
        merchant: m.uuid,
        cid: over.cid ?? unique('order'),
        amount: over.amount ?? '74.12',
        card: { ...card(), ...over.card },
      }),
      async allTransactions(merchantId) {
        const out: TransactionView[] = [];
        let cursor: string | undefined;
        do {
          const page = await ctx.engine.listTransactions({ merchant: merchantId, limit: 100, ...(cursor ? { cursor } : {}) });
          out.push(...page.items);
          cursor = page.next ?? undefined;
        } while (cursor);
        return out;
      },
      async allMerchants() {
        const out: MerchantView[] = [];
        let cursor: string | undefined;
        do {
          const page = await ctx.engine.listMerchants({ limit: 100, ...(cursor ? { cursor } : {}) });
          out.push(...page.items);
          cursor = page.next ?? undefined;
        } while (cursor);
        return out;
      },
    };
    return ctx;
  }

  private started(): ContractSubject {
    if (!this.subject) throw new Error('the engine contract uses its engine only inside a case, once its setup has started');
    return this.subject;
  }
}
