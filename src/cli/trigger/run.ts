import { randomBytes } from 'node:crypto';
import { EsipayError } from '../../domain/errors.js';
import type { MerchantView, TxDisplayStatus } from '../../domain/types.js';
import type { Engine } from '../../engine/engine.js';
import { formatDecimal, formatMoney } from '../../money/amount.js';
import { ScenarioMerchants, type TriggerPlace } from './merchants.js';
import type { ScenarioEntry } from './scenarios.js';
import type { StepValue, TriggerReport, TriggerStep } from './types.js';

/** What a run gave: its report and, when it did not make what its scenario promises, why it stopped. */
export interface TriggerOutcome {
  report: TriggerReport;
  failure?: EsipayError;
}

/**
 * What a scenario works with: the engine, its merchants, fresh references, and the steps it
 * records. A step either gives what the scenario expects (recorded, the run goes on) or stops the
 * run with the reason (a ScenarioStop).
 */
export class ScenarioRun {
  readonly steps: TriggerStep[] = [];
  private readonly shownTransactions: { id: string; merchant: string }[] = [];
  private readonly shownLinks: { id: string; merchant: string }[] = [];
  /** Fresh for every run, so a scenario can run again: cids, idempotency keys and link references carry it. */
  private readonly tag = randomBytes(4).toString('hex');

  constructor(
    readonly engine: Engine,
    readonly merchants: ScenarioMerchants,
  ) {}

  /** The merchant the scenario acts for (the one given, or one registered for the run). */
  merchant(): Promise<MerchantView> {
    return this.merchants.merchant();
  }

  /** A reference unique to this run: "trigger-1a2b3c4d-pay". */
  ref(what: string): string {
    return `trigger-${this.tag}-${what}`;
  }

  /** An amount of minor units as the engine takes it, in the merchant's currency. */
  amount(m: MerchantView, minor: number): string {
    return formatDecimal(minor, m.currency);
  }

  money(m: MerchantView, minor: number): string {
    return formatMoney(minor, m.currency);
  }

  /** A step that must succeed; with `status`, its transaction must have that status. */
  async done<T extends StepValue>(step: string, request: () => Promise<T>, status?: TxDisplayStatus): Promise<T> {
    let value: T;
    try {
      value = await request();
    } catch (e) {
      throw e instanceof EsipayError ? this.stopped(step, e) : e;
    }
    const got = value.transaction?.status;
    if (status !== undefined && got !== status) throw this.mismatch(step, `gave ${got ?? 'no transaction'}, not ${status}`, value);
    this.steps.push({ step, outcome: 'done', ...pick(value) });
    return value;
  }

  /** A step that must be refused with `code`: the refusal is what the scenario shows. */
  async refused(step: string, code: string, request: () => Promise<unknown>): Promise<EsipayError> {
    let value: StepValue | undefined;
    try {
      value = (await request()) as StepValue | undefined;
    } catch (e) {
      if (!(e instanceof EsipayError)) throw e;
      if (e.code !== code) throw this.stopped(step, e, ` (${code} was expected)`);
      const transaction = e.transaction as StepValue['transaction'] | undefined;
      this.steps.push({ step, outcome: 'refused', code: e.code, message: e.message, ...(transaction ? { transaction } : {}) });
      return e;
    }
    const status = value?.transaction?.status;
    throw this.mismatch(step, `was not refused (${code} was expected)${status ? `: it gave ${status}` : ''}`, value);
  }

  /** A check of what the step `step` gave, beyond its status: when it fails, so does that step. */
  expect(ok: boolean, step: string, what: string): void {
    if (ok) return;
    const recorded = this.steps.findLast((s) => s.step === step);
    if (recorded) Object.assign(recorded, { outcome: 'failed', code: MISMATCH, message: what });
    throw new ScenarioStop(mismatchError(step, what));
  }

  /** A transaction to read back and show once the scenario ends. */
  show(id: string, merchant: string): void {
    this.shownTransactions.push({ id, merchant });
  }

  showLink(id: string, merchant: string): void {
    this.shownLinks.push({ id, merchant });
  }

  /** What the scenario made, as the engine has it now. */
  async readBack(): Promise<Pick<TriggerReport, 'transactions' | 'links'>> {
    const transactions = [];
    for (const t of this.shownTransactions) transactions.push(await this.engine.getTransaction(t.id, t.merchant));
    const links = [];
    for (const l of this.shownLinks) links.push(await this.engine.getLink(l.id, l.merchant));
    return { transactions, links };
  }

  /** The step refused in a way the scenario does not expect: recorded as failed, and the run ends. */
  private stopped(step: string, e: EsipayError, expected = ''): ScenarioStop {
    const transaction = e.transaction as StepValue['transaction'] | undefined;
    this.steps.push({ step, outcome: 'failed', code: e.code, message: e.message + expected, ...(transaction ? { transaction } : {}) });
    const hint = e.code === 'callback_failed' && transaction ? this.merchants.cancelledHint(transaction.merchant) : e.hint;
    return new ScenarioStop(new EsipayError(e.kind, e.code, `"${step}" failed: ${e.message}${expected}`, hint, e.transaction));
  }

  private mismatch(step: string, what: string, value: StepValue | undefined): ScenarioStop {
    this.steps.push({ step, outcome: 'failed', code: MISMATCH, message: what, ...pick(value ?? {}) });
    return new ScenarioStop(mismatchError(step, what));
  }
}

const MISMATCH = 'scenario_mismatch';

function mismatchError(step: string, what: string): EsipayError {
  return new EsipayError(
    'conflict',
    MISMATCH,
    `"${step}" ${what}`,
    "the scenario relies on the simulated acquirer's test cards (README, Test cards); `esipay trigger --list` says what each scenario makes",
  );
}

/** Thrown by a step to end the run: `error` says why. */
export class ScenarioStop extends Error {
  constructor(readonly error: EsipayError) {
    super(error.message);
  }
}

/** Runs a scenario on the place's engine; its receivers stop when it ends, however it ends. */
export async function runScenario(entry: ScenarioEntry, place: TriggerPlace): Promise<TriggerOutcome> {
  const merchants = new ScenarioMerchants(place);
  const run = new ScenarioRun(place.engine, merchants);
  const report = (): TriggerReport => ({
    scenario: entry.name,
    summary: entry.summary,
    engine: place.engine.description,
    merchants: merchants.used,
    steps: run.steps,
    transactions: [],
    links: [],
  });
  try {
    const scenario = await entry.load();
    await scenario(run);
    return { report: { ...report(), ...(await run.readBack()) } };
  } catch (e) {
    if (e instanceof ScenarioStop) return { report: report(), failure: e.error };
    // A refusal before any step (an unknown merchant, the service out of reach) is a reason too.
    if (e instanceof EsipayError) return { report: report(), failure: e };
    throw e;
  } finally {
    await merchants.close();
  }
}

function pick(v: StepValue): StepValue {
  return {
    ...(v.transaction ? { transaction: v.transaction } : {}),
    ...(v.refund ? { refund: v.refund } : {}),
    ...(v.link ? { link: v.link } : {}),
    ...(v.via ? { via: v.via } : {}),
  };
}
