import { randomUUID } from 'node:crypto';
import type {
  LinkRecord,
  MerchantRecord,
  OutboxRecord,
  RefundRecord,
  ScheduledDebitRecord,
  TransactionRecord,
} from '../../src/domain/types.js';
import { newTransactionRecord } from '../../src/engine/local/records.js';

/** Records for store tests, with every field set, so a round trip can be compared whole. */

const id32 = (): string => randomUUID().replaceAll('-', '');

/** A clock that ticks one millisecond per call from a fixed start: ordered, distinct timestamps. */
export function ticker(start = '2030-01-01T00:00:00.000Z'): () => string {
  let t = Date.parse(start);
  return () => new Date(t++).toISOString();
}

export function merchant(at: string, over: Partial<MerchantRecord> = {}): MerchantRecord {
  return {
    id: randomUUID(),
    name: 'Boutique',
    ip: '127.0.0.1',
    returnUrl: 'http://127.0.0.1:4242/paid',
    notificationUrl: null,
    currency: 'EUR',
    secrets: ['whsec_one'],
    createdAt: at,
    ...over,
  };
}

export function transaction(m: MerchantRecord, at: string, over: Partial<TransactionRecord> = {}): TransactionRecord {
  return newTransactionRecord(
    {
      id: id32(),
      merchantId: m.id,
      kind: 'card',
      cid: 'order-' + id32().slice(0, 8),
      requestHash: 'hash-1',
      status: 'PAID',
      amount: 10_000,
      currency: m.currency,
      cardFirst6: '411111',
      cardLast4: '1111',
      cardBrand: 'visa',
      cardHash: 'cardhash',
      authCode: 'A1B2C3',
      callbackStatus: 200,
      createdAt: at,
      updatedAt: at,
      ...over,
    },
    new Date(at),
  );
}

/** An AUTHORISED initial multi-authorisation valid until `expiresAt`. */
export function initial(m: MerchantRecord, at: string, over: Partial<TransactionRecord> = {}): TransactionRecord {
  return transaction(m, at, { kind: 'initial', status: 'AUTHORISED', cardToken: 'tok_1', expiresAt: '2031-01-01T00:00:00.000Z', ...over });
}

export function shipment(parent: TransactionRecord, amount: number, at: string, over: Partial<TransactionRecord> = {}): TransactionRecord {
  return {
    ...transaction({ id: parent.merchantId, currency: parent.currency } as MerchantRecord, at),
    kind: 'shipment',
    parentId: parent.id,
    amount,
    requestHash: `ship-${amount}`,
    ...over,
  };
}

export function refund(tx: TransactionRecord, amount: number, at: string): RefundRecord {
  return { id: id32(), transactionId: tx.id, merchantId: tx.merchantId, amount, currency: tx.currency, createdAt: at };
}

export function link(m: MerchantRecord, at: string, over: Partial<LinkRecord> = {}): LinkRecord {
  return {
    id: id32(),
    merchantId: m.id,
    tokenHash: 'th-' + id32(),
    paymentReference: 'pr-' + id32().slice(0, 8),
    consumerReference: 'consumer-1',
    amount: 5_000,
    currency: m.currency,
    mode: 'multi_pay',
    request: '{"amount":5000}',
    callbackUrl: 'http://127.0.0.1:4242/cb',
    redirectUrl: null,
    status: 'open',
    transactionId: null,
    expiresAt: '2031-01-01T00:00:00.000Z',
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}

export function debit(l: LinkRecord, seq: number, dueAt: string, at: string): ScheduledDebitRecord {
  return {
    id: id32(),
    linkId: l.id,
    merchantId: l.merchantId,
    seq,
    amount: 1_000,
    currency: l.currency,
    dueAt,
    status: 'scheduled',
    cardToken: 'tok_1',
    transactionId: null,
    attempts: 0,
    lastError: null,
    createdAt: at,
    updatedAt: at,
  };
}

export function message(merchantId: string, nextAttemptAt: string, at: string, over: Partial<OutboxRecord> = {}): OutboxRecord {
  return {
    id: id32(),
    merchantId,
    topic: 'ipn',
    url: 'http://127.0.0.1:4242/ipn',
    contentType: 'application/json',
    body: '{"ok":true}',
    headers: '{}',
    attempts: 0,
    nextAttemptAt,
    deliveredAt: null,
    lastError: null,
    createdAt: at,
    ...over,
  };
}
