import type { ParsedCard } from '../card/card.js';

/**
 * The bank side: asks the card network to authorise an amount on a card. The default is the
 * simulator (simulator.ts); a real acquirer implements the same interface.
 */
export interface Acquirer {
  /**
   * Approves or declines. A technical failure (network, timeout, acquirer down) throws an
   * EsipayError of kind 'unavailable' (code acquirer_error): the payment is FAILED, not DECLINED.
   */
  authorise(req: AuthorisationRequest): Promise<AuthorisationResult>;
  /**
   * Debits a card known by the token an earlier approval gave (a shipment against its initial
   * authorisation, a link instalment). Same outcomes as authorise, and one more: an EsipayError
   * with code ACQUIRER_OUTCOME_UNKNOWN when the debit went out but no answer came (a timeout),
   * so it may have been taken: the caller must not count it as failed.
   */
  debit(req: { cardToken: string; amount: number; currency: string; reference: string }): Promise<AuthorisationResult>;
  /**
   * Releases whatever approval the acquirer gave for `reference` (the reference esipay sent with
   * authorise: its transaction id) when the payment is cancelled: the return URL did not answer
   * 200, or a crash abandoned it. Knowing the reference is enough, so a payment abandoned before
   * esipay could record the approval is released too; a reference never approved is a no-op.
   */
  release(reference: string): Promise<void>;
}

/** The code of a debit whose outcome is unknown (see Acquirer.debit). */
export const ACQUIRER_OUTCOME_UNKNOWN = 'acquirer_outcome_unknown';

export interface AuthorisationRequest {
  card: ParsedCard;
  amount: number;
  currency: string;
  /** VERIFICATION: check the card for a later debit (initial multi-authorisation); DEBIT: take the money. */
  operation: 'DEBIT' | 'VERIFICATION';
  reference: string;
}

export type DeclineReason = 'card_declined' | 'insufficient_funds' | 'lost_card' | 'stolen_card' | 'do_not_honour';

/** cardToken stands for the card in later debits: the acquirer's reference, never the PAN. */
export type AuthorisationResult = { approved: true; authCode: string; cardToken: string } | { approved: false; reason: DeclineReason };
