import { EsipayError } from '../domain/errors.js';
import { randomHex } from '../util/random.js';
import type { Acquirer, AuthorisationRequest, AuthorisationResult, DeclineReason } from './acquirer.js';

/**
 * The test acquirer: no network, deterministic by card number (Stripe-like test cards, all
 * Luhn-valid). Any other valid card is approved. Documented in the README's "Test cards".
 */
export const TEST_CARDS: readonly { number: string; outcome: 'approved' | DeclineReason | 'technical_error'; note: string }[] = [
  { number: '4111111111111111', outcome: 'approved', note: 'Visa, approved' },
  { number: '5555555555554444', outcome: 'approved', note: 'Mastercard, approved' },
  { number: '4000000000000002', outcome: 'card_declined', note: 'declined (generic)' },
  { number: '4000000000009995', outcome: 'insufficient_funds', note: 'declined: insufficient funds' },
  { number: '4000000000009987', outcome: 'lost_card', note: 'declined: lost card' },
  { number: '4000000000009979', outcome: 'stolen_card', note: 'declined: stolen card' },
  { number: '4000000000000119', outcome: 'technical_error', note: 'the acquirer fails (technical error, 500-class)' },
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
    return { approved: true, authCode: authCode(), cardToken: `simtok_${outcome}_${randomHex(12)}` };
  }

  /** A simulated token carries no card number; it debits like the approved card it came from. */
  async debit(req: { cardToken: string }): Promise<AuthorisationResult> {
    await this.answerLater();
    if (!req.cardToken.startsWith('simtok_')) {
      throw new EsipayError('unavailable', 'acquirer_error', 'the acquirer does not know this card token');
    }
    return { approved: true, authCode: authCode(), cardToken: req.cardToken };
  }

  async release(_reference: string): Promise<void> {
    // Nothing was held on a simulated card.
  }
}
