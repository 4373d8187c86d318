import { after } from 'node:test';
import type { Parameters } from 'fast-check';

/**
 * How hard the property tests push. ESIPAY_FUZZ_RUNS raises the count for a long local run;
 * the default keeps the suite quick. Every property counts the cases it tried, and the total is
 * printed at the end of each file (docs/reliability.md copies the figures).
 */
export const RUNS = Number(process.env.ESIPAY_FUZZ_RUNS ?? 2000);

let tried = 0;

/** fast-check parameters with the budget; `weight` scales it for slow properties. */
export function budget(weight = 1): Parameters<unknown> {
  const numRuns = Math.max(50, Math.round(RUNS * weight));
  tried += numRuns;
  return { numRuns };
}

export function casesTried(): number {
  return tried;
}

/** Prints the file's total once all its tests ran (call at the top level of a test file). */
export function reportCases(what: string): void {
  after(() => console.log(`[fuzz] ${what}: ${tried} cases`));
}
