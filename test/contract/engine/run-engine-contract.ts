import { after, before, describe, it } from 'node:test';
import { type ContractContext, ContractRun, type ContractSubject } from './context.js';
import { clock } from './clock.js';
import { events } from './events.js';
import { initials } from './initials.js';
import { links } from './links.js';
import { merchants } from './merchants.js';
import { payments } from './payments.js';
import { refunds } from './refunds.js';
import { shipments } from './shipments.js';
import { transactions } from './transactions.js';

/** The cases of one use case of the Engine, declared through the context's `test`. */
export interface UseCase {
  name: string;
  cases(c: ContractContext): void;
}

/** Every use case, in the order they run. */
// The clock last: it moves the time of the run's whole database.
export const USE_CASES: readonly UseCase[] = [merchants, payments, refunds, transactions, initials, shipments, links, events, clock];

/**
 * Cases a setup cannot run, and why. A case is named "<use case> > <case>", e.g.
 * "payments > pays in a currency without decimals". It is still reported, as skipped with the reason.
 */
export interface ContractSkip {
  reason: string;
  tests: string[];
}

export interface EngineContractOptions {
  /** The setup, as the report shows it: "remote engine → esipay serve, SQLite". */
  name: string;
  /** Starts the setup's engine; its cleanup runs after the last case. */
  subject: () => Promise<ContractSubject>;
  skip?: ContractSkip[];
}

/**
 * The engine contract: every use case and every error, through the Engine interface only. Every
 * setup runs these same cases, so the CLI behaves the same whichever engine it uses.
 */
export function runEngineContract({ name, subject, skip = [] }: EngineContractOptions): void {
  checkSkips(name, skip);
  describe(`engine contract: ${name}`, () => {
    const run = new ContractRun(subject);
    before(() => run.begin());
    after(() => run.end());
    for (const useCase of USE_CASES) {
      describe(useCase.name, () => {
        const ctx = run.context((test, fn) => {
          const reason = skip.find((s) => s.tests.includes(caseName(useCase, test)))?.reason;
          // The reason string, never a bare `true`: the report says why the case did not run here.
          if (reason !== undefined) it(test, { skip: reason }, fn);
          else
            it(test, async () => {
              run.caseMerchants.length = 0;
              await fn();
              await run.checkTotals(ctx);
            });
        });
        useCase.cases(ctx);
      });
    }
  });
}

const caseName = (useCase: UseCase, test: string): string => `${useCase.name} > ${test}`;

/** Every case of the contract by its skip name; declaring them runs nothing. */
function contractCaseNames(): string[] {
  const names: string[] = [];
  const declaring = new ContractRun(() => Promise.reject(new Error('only declaring the cases')));
  for (const useCase of USE_CASES) useCase.cases(declaring.context((test) => names.push(caseName(useCase, test))));
  return names;
}

/**
 * Refuses, before any case runs, a skip without a reason (node:test takes '' as "do not skip")
 * and a skip naming a case the contract does not have (renamed, mistyped: it would skip nothing).
 */
function checkSkips(name: string, skip: readonly ContractSkip[]): void {
  for (const s of skip) if (s.reason.trim() === '') throw new Error(`a skip of "${name}" needs its reason: ${s.tests.join('; ')}`);
  const known = new Set(contractCaseNames());
  const unknown = skip.flatMap((s) => s.tests).filter((t) => !known.has(t));
  if (unknown.length > 0) throw new Error(`the skip list of "${name}" names cases the contract does not have: ${unknown.join('; ')}`);
}
