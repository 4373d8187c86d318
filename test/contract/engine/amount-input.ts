import { parseDecimal } from '../../../src/money/amount.js';

/**
 * Every amount the contract gives createInitial, createShipment and createLink, written as the
 * decimal a merchant types ("74.12"), converted to what those inputs take today: an integer of
 * minor units. When the Engine's amount inputs become decimal strings (as PayInput.amount is),
 * this is the one line to change: `amountIn = (decimal: string) => decimal`.
 */
export function amountIn(decimal: string, currency = 'EUR'): number {
  const parsed = parseDecimal(decimal, currency);
  if (parsed.ok) return parsed.minor;
  // An amount the engine must refuse stays one it refuses: zero as zero, the rest as no number at all.
  return parsed.problem === 'not_positive' ? 0 : Number.NaN;
}
