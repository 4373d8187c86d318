import type { RefundView, TransactionDetail, TransactionView } from '../../domain/types.js';
import type { LinkView } from '../../engine/engine.js';
import type { ScenarioRun } from './run.js';

/** A scenario: the requests it makes on the run's engine, each recorded by `run` as a step. */
export type Scenario = (run: ScenarioRun) => Promise<void>;

/** What one request of a step gave back: the objects the engine answered with. */
export interface StepValue {
  transaction?: TransactionView;
  refund?: RefundView;
  link?: LinkView;
  /** Where the step was made when not through the engine: the link's pay page. */
  via?: string;
}

/** One request a scenario made, and what came back. */
export interface TriggerStep extends StepValue {
  /** What was asked, as a person says it: "ship 35.00 EUR". */
  step: string;
  /**
   * done: as asked; refused: refused with the code the scenario expects (an expected refusal is a
   * success); failed: not what the scenario expects, and the run stopped there.
   */
  outcome: 'done' | 'refused' | 'failed';
  /** The refusal's or failure's code and message. */
  code?: string;
  message?: string;
}

/** A merchant the scenario acted for: the one given, or one it registered (and why). */
export interface TriggerMerchant {
  uuid: string;
  name: string;
  currency: string;
  returnUrl: string;
  registered: boolean;
  why: string;
}

/** The --json document of a run (on a failure, with `error` beside it). */
export interface TriggerReport {
  scenario: string;
  summary: string;
  engine: string;
  merchants: TriggerMerchant[];
  steps: TriggerStep[];
  /** What the scenario made, read back once it ended (an initial with its shipments). */
  transactions: TransactionDetail[];
  links: LinkView[];
}
