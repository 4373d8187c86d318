import { TEST_CARDS } from '../../acquirer/simulator.js';

/**
 * The test cards the scenarios pay with, taken from the simulated acquirer's own table (the
 * README's "Test cards") by what they do, so a scenario follows the table. A card is named in
 * steps by its last four digits only: a card number is never echoed, not even a test one.
 */
export interface ScenarioCard {
  number: string;
  /** "visa ····1111 (approved)" */
  label: string;
}

function card(what: string, pick: (c: (typeof TEST_CARDS)[number]) => boolean): ScenarioCard {
  const found = TEST_CARDS.find(pick);
  if (!found) throw new Error(`the simulator has no test card that is ${what}`);
  return { number: found.number, label: `card ····${found.number.slice(-4)} (${what})` };
}

export const CARDS = {
  approved: card('approved', (c) => c.outcome === 'approved' && c.later === undefined),
  declined: card('declined', (c) => c.outcome === 'card_declined'),
  laterDeclined: card('approved, later debits declined', (c) => c.outcome === 'approved' && c.later === 'card_declined'),
  laterTechnical: card('approved, later debits fail technically', (c) => c.outcome === 'approved' && c.later === 'technical_error'),
} as const;

/** An expiry some years ahead of `now`, whatever the date: MM and YYYY as the engines take them. */
export function futureExpiry(now: Date = new Date()): { month: string; year: string } {
  return { month: '12', year: String(now.getUTCFullYear() + 5) };
}
