import { hmacHex } from '../../callback/signature.js';
import type { MerchantRecord, OutboxRecord } from '../../domain/types.js';
import { notifyOutbox } from '../../outbox/wakeup.js';
import type { Store } from '../../store/store.js';
import { newId } from '../../util/ids.js';

/**
 * The IPN (instant payment notification) at the end of a payment: a form POST to the merchant's
 * notification URL (its return URL when it has none) with
 *   kr-answer            the payment, as JSON (the same object CreatePayment answers)
 *   kr-answer-type       V4/Payment
 *   kr-hash-algorithm    sha256_hmac
 *   kr-hash-key          password: the key is the merchant's secret, the API password
 *   kr-hash              hex HMAC-SHA256 of the raw kr-answer under that secret
 * It goes through the outbox: stored with the payment's outcome, delivered and retried by the
 * outbox deliverer until the merchant answers 200, across restarts.
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

export async function enqueueIpn(store: Store, merchant: MerchantRecord, answer: Record<string, unknown>, now: Date): Promise<OutboxRecord> {
  const at = now.toISOString();
  const message: OutboxRecord = {
    id: newId(),
    merchantId: merchant.id,
    topic: IPN_TOPIC,
    url: merchant.notificationUrl ?? merchant.returnUrl,
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
  await store.enqueueOutbox(message);
  notifyOutbox();
  return message;
}
