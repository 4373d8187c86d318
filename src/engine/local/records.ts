import { cardHash, type ParsedCard } from '../../card/card.js';
import type { TransactionRecord } from '../../domain/types.js';
import { newId } from '../../util/ids.js';

type Required = Pick<TransactionRecord, 'merchantId' | 'kind' | 'cid' | 'status' | 'amount' | 'currency'>;

/**
 * A new transaction record: the caller gives what this transaction is, and everything else starts
 * empty (nothing refunded or shipped, no card, no callback, no deadline), created `now`.
 */
export function newTransactionRecord(fields: Required & Partial<TransactionRecord>, now: Date): TransactionRecord {
  const at = now.toISOString();
  return {
    id: newId(),
    idemKey: null,
    requestHash: null,
    refunded: 0,
    shipped: 0,
    parentId: null,
    cardFirst6: null,
    cardLast4: null,
    cardBrand: null,
    cardHash: null,
    cardToken: null,
    email: null,
    authCode: null,
    reason: null,
    callbackStatus: null,
    callbackError: null,
    deadlineAt: null,
    expiresAt: null,
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
}

/** What a record keeps of a card: first 6, last 4, brand and the keyed hash, never the number. */
export function cardFields(card: ParsedCard, key: Buffer): Pick<TransactionRecord, 'cardFirst6' | 'cardLast4' | 'cardBrand' | 'cardHash'> {
  return { cardFirst6: card.first6, cardLast4: card.last4, cardBrand: card.brand, cardHash: cardHash(card.pan, key) };
}

/** The card fields of an existing record (a shipment or a later debit carries its payment's card). */
export function sameCard(t: TransactionRecord | undefined): Pick<TransactionRecord, 'cardFirst6' | 'cardLast4' | 'cardBrand' | 'cardHash'> {
  return {
    cardFirst6: t?.cardFirst6 ?? null,
    cardLast4: t?.cardLast4 ?? null,
    cardBrand: t?.cardBrand ?? null,
    cardHash: t?.cardHash ?? null,
  };
}
