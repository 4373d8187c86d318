import type { ParsedCard } from '../../card/card.js';
import type { TransactionRecord } from '../../domain/types.js';

/**
 * The v4Details of a V4 payment record: what its request sent that the V4 answers echo (checked
 * by the API, free of card numbers), and the card's expiry, which cardDetails shows and which is
 * no secret; the card number is never part of it. Nothing when the request sent no details (a
 * payment made another way), so such a record stays as it was.
 */
export function v4DetailsField(details: Record<string, unknown> | undefined, card: ParsedCard): Pick<TransactionRecord, 'v4Details'> {
  if (details === undefined) return {};
  return { v4Details: JSON.stringify({ ...details, expiryMonth: card.expMonth, expiryYear: card.expYear }) };
}

/** The v4Details of the payment a later transaction belongs to (a shipment's initial transaction). */
export function sameV4Details(t: TransactionRecord): Pick<TransactionRecord, 'v4Details'> {
  return t.v4Details === undefined ? {} : { v4Details: t.v4Details };
}
