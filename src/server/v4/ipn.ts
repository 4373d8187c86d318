import { hmacHex } from '../../callback/signature.js';
import type { MerchantRecord, OutboxRecord, TransactionRecord } from '../../domain/types.js';
import { newId } from '../../util/ids.js';
import { v4Payment } from './objects.js';

/**
 * The IPN (instant payment notification) at the end of a payment: a form POST to the request's
 * ipnTargetUrl when it sent one, else to the merchant's notification URL (its return URL when it
 * has none), with
 *   kr-answer            the payment, as JSON (the same object CreatePayment answers)
 *   kr-answer-type       V4/Payment
 *   kr-hash-algorithm    sha256_hmac
 *   kr-hash-key          password: the key is the merchant's secret, the API password
 *   kr-hash              hex HMAC-SHA256 of the raw kr-answer under that secret
 * It goes through the outbox: stored in the same database transaction as the payment's outcome
 * (see PaymentIpn), delivered and retried by the outbox deliverer until the merchant answers 200,
 * across restarts.
 */
export const IPN_TOPIC = 'ipn';

export function ipnBody(answer: Record<string, unknown>, secret: string): string {
  const krAnswer = JSON.stringify(answer);
  return new URLSearchParams({
    'kr-hash': hmacHex(secret, krAnswer),
    'kr-hash-algorithm': 'sha256_hmac',
    'kr-hash-key': 'password',
    'kr-answer-type': 'V4/Payment',
    'kr-answer': krAnswer,
  }).toString();
}

/**
 * The IPN message of a payment answer, to queue in the outbox. Pure: the caller decides where it
 * is written. `targetUrl` is the request's ipnTargetUrl: signed, queued and retried the same way,
 * only its address differs.
 */
export function ipnMessage(
  merchant: MerchantRecord,
  answer: Record<string, unknown>,
  now: Date,
  targetUrl: string | null = null,
): OutboxRecord {
  const at = now.toISOString();
  return {
    id: newId(),
    merchantId: merchant.id,
    topic: IPN_TOPIC,
    url: targetUrl ?? merchant.notificationUrl ?? merchant.returnUrl,
    contentType: 'application/x-www-form-urlencoded',
    // Signed with the current secret; the previous one still verifies on the merchant's side
    // during a rotation, so a message enqueued before a rotation stays valid.
    body: ipnBody(answer, merchant.secrets[0]!),
    headers: '{}',
    attempts: 0,
    nextAttemptAt: at,
    deliveredAt: null,
    lastError: null,
    createdAt: at,
  };
}

/**
 * The IPN of one payment request, handed to the engine (createInitial's `notification`) so the
 * store queues it in the same write as the payment's outcome: a crash can no longer record the
 * payment and lose its IPN. It remembers the answer each IPN carries, so the request answers
 * exactly what the merchant is notified of; a replay (no IPN built for the transaction that
 * holds) gets a fresh answer and no second IPN.
 */
export class PaymentIpn {
  private readonly answers = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly merchant: MerchantRecord,
    private readonly clock: () => Date,
    /** The request's ipnTargetUrl, when it sent one. */
    private readonly targetUrl: string | null = null,
  ) {}

  readonly notification = (tx: TransactionRecord): OutboxRecord => {
    const now = this.clock();
    const answer = v4Payment(this.merchant, tx, now);
    this.answers.set(tx.id, answer);
    return ipnMessage(this.merchant, answer, now, this.targetUrl);
  };

  /** The answer the IPN of this transaction carries, when this request built it. */
  answerOf(transactionId: string): Record<string, unknown> | undefined {
    return this.answers.get(transactionId);
  }
}
