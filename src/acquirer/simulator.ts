import { EsipayError } from '../domain/errors.js';
import { randomHex } from '../util/random.js';
import {
  ACQUIRER_OUTCOME_UNKNOWN,
  type Acquirer,
  type AuthorisationRequest,
  type AuthorisationResult,
  type DeclineReason,
} from './acquirer.js';

/**
 * The test acquirer: no network, deterministic by card number (Stripe-like test cards, all
 * Luhn-valid). Any other valid card is approved. Documented in the README's "Test cards".
 *
 * `outcome` is the card's answer when it is presented (a payment, an initial's VERIFICATION, a
 * link's payment or card check); `later` is the answer of every later debit on the token that
 * approval gave (a shipment, a link instalment, a pay_later debit), approved unless said. The
 * token carries `later`, so a debit needs no card number to know what to answer.
 */
export type LaterOutcome = 'approved' | DeclineReason | 'technical_error' | 'outcome_unknown';

export const TEST_CARDS: readonly {
  number: string;
  outcome: 'approved' | DeclineReason | 'technical_error';
  later?: LaterOutcome;
  note: string;
}[] = [
  { number: '4111111111111111', outcome: 'approved', note: 'Visa, approved' },
  { number: '5555555555554444', outcome: 'approved', note: 'Mastercard, approved' },
  { number: '4000000000000002', outcome: 'card_declined', note: 'declined (generic)' },
  { number: '4000000000009995', outcome: 'insufficient_funds', note: 'declined: insufficient funds' },
  { number: '4000000000009987', outcome: 'lost_card', note: 'declined: lost card' },
  { number: '4000000000009979', outcome: 'stolen_card', note: 'declined: stolen card' },
  { number: '4000000000000119', outcome: 'technical_error', note: 'the acquirer fails (technical error, 500-class)' },
  ...laterFailureCards(),
];

const authCode = (): string => randomHex(3).toUpperCase();

const BY_NUMBER = new Map(TEST_CARDS.map((c) => [c.number, c.outcome]));

export class SimulatedAcquirer implements Acquirer {
  /** delayMs: how long each answer takes (ESIPAY_SIMULATOR_DELAY_MS), to rehearse a slow acquirer. */
  constructor(private readonly opts: { delayMs?: number } = {}) {}

  private async answerLater(): Promise<void> {
    if (this.opts.delayMs) await new Promise((resolve) => setTimeout(resolve, this.opts.delayMs));
  }

  async authorise(req: AuthorisationRequest): Promise<AuthorisationResult> {
    await this.answerLater();
    const outcome = BY_NUMBER.get(req.card.pan) ?? 'approved';
    if (outcome === 'technical_error') {
      throw new EsipayError(
        'unavailable',
        'acquirer_error',
        'the acquirer could not process the card (technical error)',
        'try again later',
      );
    }
    if (outcome !== 'approved') return { approved: false, reason: outcome };
    return { approved: true, authCode: authCode(), cardToken: `simtok_${LATER_BY_NUMBER.get(req.card.pan) ?? outcome}_${randomHex(12)}` };
  }

  /** A simulated token carries no card number; it debits as its card's `later` says (approved for the others). */
  async debit(req: { cardToken: string }): Promise<AuthorisationResult> {
    await this.answerLater();
    if (!req.cardToken.startsWith('simtok_')) {
      throw new EsipayError('unavailable', 'acquirer_error', 'the acquirer does not know this card token');
    }
    return laterDebit(laterOf(req.cardToken), req.cardToken);
  }

  async release(_reference: string): Promise<void> {
    // Nothing was held on a simulated card.
  }
}

/** Approved when presented, then every later debit fails as `later` says. */
function laterFailureCards(): { number: string; outcome: 'approved'; later: LaterOutcome; note: string }[] {
  return [
    {
      number: '4000000000000341',
      outcome: 'approved',
      later: 'card_declined',
      note: 'approved, then every later debit declined (card_declined): a refused shipment, a failed instalment',
    },
    {
      number: '4000000000000358',
      outcome: 'approved',
      later: 'insufficient_funds',
      note: 'approved, then every later debit declined (insufficient_funds)',
    },
    {
      number: '4000000000000366',
      outcome: 'approved',
      later: 'technical_error',
      note: 'approved, then every later debit fails technically (shipment PSP_227, nothing debited)',
    },
    {
      number: '4000000000000374',
      outcome: 'approved',
      later: 'outcome_unknown',
      note: 'approved, then the acquirer cannot tell whether a later debit was taken (shipment PSP_228, left PENDING)',
    },
  ];
}

const LATER_BY_NUMBER = new Map(TEST_CARDS.flatMap((c) => (c.later ? [[c.number, c.later] as const] : [])));
const LATER: ReadonlySet<string> = new Set<LaterOutcome>([
  'approved',
  'card_declined',
  'insufficient_funds',
  'lost_card',
  'stolen_card',
  'do_not_honour',
  'technical_error',
  'outcome_unknown',
]);

/** simtok_<later>_<hex>; tokens of other shapes (tests' own) debit as approved. */
function laterOf(token: string): LaterOutcome {
  const later = token.slice('simtok_'.length).replace(/_[0-9a-f]+$/, '');
  return LATER.has(later) ? (later as LaterOutcome) : 'approved';
}

function laterDebit(later: LaterOutcome, cardToken: string): AuthorisationResult {
  if (later === 'technical_error') {
    throw new EsipayError('unavailable', 'acquirer_error', 'the acquirer could not debit the card (technical error)', 'try again later');
  }
  if (later === 'outcome_unknown') {
    // What an acquirer answers when the debit went out and its result is not known yet.
    throw new EsipayError(
      'unavailable',
      ACQUIRER_OUTCOME_UNKNOWN,
      'the acquirer cannot tell yet whether the debit was taken',
      'read the transaction back later; do not debit again under a new reference',
    );
  }
  if (later !== 'approved') return { approved: false, reason: later };
  return { approved: true, authCode: authCode(), cardToken };
}
