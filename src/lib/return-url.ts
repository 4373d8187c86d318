import { refuse } from './result.js';
import { signedVerifier } from './signed.js';

/** A v2 payment's return-URL POST: the form esipay sends once the acquirer approved the payment. */
export interface ReturnUrlPayload {
  /** "card". */
  type: string;
  /** The amount paid, a decimal in the merchant's currency: "10.00". */
  amount: string;
  /** esipay's id of the transaction. */
  transaction: string;
  /** The merchant's own reference of the payment, as it was given. */
  cid: string;
}

const FIELDS = ['type', 'amount', 'transaction', 'cid'] as const;

/**
 * Verifies a v2 return-URL POST: its raw body (application/x-www-form-urlencoded, as received)
 * and its Esipay-Signature header, against the merchant's secret(s), the timestamp within
 * `toleranceSeconds` (300 by default). Answer 200 only when `ok`: the payment is PAID on that answer.
 */
export const verifyReturnUrl = signedVerifier<ReturnUrlPayload>((text) => {
  // Link callbacks are signed the same way: a genuine one must not pass for a payment.
  const form = new URLSearchParams(text);
  const missing = FIELDS.filter((f) => form.get(f) === null);
  if (missing.length > 0) return refuse(`signed by esipay, but not a return-URL POST: no ${missing.join(', ')} field`);
  const [type, amount, transaction, cid] = FIELDS.map((f) => form.get(f)!) as [string, string, string, string];
  return { ok: true, payload: { type, amount, transaction, cid } };
});
