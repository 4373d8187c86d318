import type { ParsedCard } from '../../card/card.js';
import type { TransactionRecord } from '../../domain/types.js';

/**
 * The v4Details of a V4 payment record: what its request sent that the V4 answers echo (checked
 * by the API, free of card numbers), and the card's expiry, which cardDetails shows and which is
 * no secret; the card number is never part of it. Nothing when the request sent no details (a
 * payment made another way), so such a record stays as it was. A shipment keeps none of its own:
 * its order, customer and card are its initial transaction's.
 */
export function v4DetailsField(details: Record<string, unknown> | undefined, card: ParsedCard): Pick<TransactionRecord, 'v4Details'> {
  if (details === undefined) return {};
  return { v4Details: JSON.stringify({ ...details, expiryMonth: card.expMonth, expiryYear: card.expYear }) };
}
