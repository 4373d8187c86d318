import { verifyKrHash } from '../callback/signature.js';
import { guarded, readRawBody, readSecrets } from './inputs.js';
import { refuse, type Secrets, type VerifyResult } from './result.js';

/** A transaction of a V4 payment (V4/PaymentTransaction). Amounts are integers of minor units. */
export interface IpnTransaction {
  shopId: string;
  uuid: string;
  amount: number;
  currency: string;
  paymentMethodType: string;
  /** PAID, UNPAID or RUNNING. */
  status: string;
  /** ACCEPTED, AUTHORISED, CAPTURED, REFUSED, ERROR, CANCELLED, EXPIRED, WAITING_AUTHORISATION. */
  detailedStatus: string;
  operationType: string;
  creationDate: string;
  errorCode: string | null;
  errorMessage: string | null;
  detailedErrorCode: string | null;
  detailedErrorMessage: string | null;
  orderDetails: { orderId: string };
  transactionDetails: {
    /** The card, masked: "411111XXXXXX1111". */
    cardDetails: { pan: string; effectiveBrand: string } | null;
    parentTransactionUuid: string | null;
  };
}

/** The IPN's kr-answer: the payment (V4/Payment), as CreatePayment answers it (docs/v4-api.md). */
export interface IpnPayment {
  shopId: string;
  /** PAID or UNPAID. */
  orderStatus: string;
  orderCycle: string;
  serverDate: string;
  orderDetails: { orderTotalAmount: number; orderEffectiveAmount: number; orderCurrency: string; mode: string; orderId: string };
  customer: { email: string | null; reference: string | null };
  transactions: IpnTransaction[];
  _type: string;
}

/** The IPN form as a framework parsed it (express.urlencoded(), URLSearchParams), or its raw body. */
export type IpnInput = string | Uint8Array | URLSearchParams | Readonly<Record<string, unknown>>;

/**
 * Verifies a V4 IPN (the form POSTed to the notification URL): its kr-hash, the HMAC-SHA256 of
 * kr-answer under the merchant's secret(s). kr-hash has no timestamp: an IPN can be replayed, so
 * act on the transaction's status (the same status twice is the same news), not on its arrival.
 */
export function verifyIpn(input: IpnInput, secrets: Secrets): VerifyResult<IpnPayment> {
  return guarded(() => {
    const fields = readFields(input);
    if (!fields.ok) return fields;
    const keys = readSecrets(secrets);
    if (!keys.ok) return keys;
    const checked = verifyKrHash(fields.payload, keys.value);
    if (!checked.ok) return checked;
    let answer: unknown;
    try {
      answer = JSON.parse(fields.payload['kr-answer']!);
    } catch {
      return refuse('kr-answer is not JSON');
    }
    const payment = answer as Partial<IpnPayment> | null;
    if (typeof payment !== 'object' || payment === null || typeof payment.orderStatus !== 'string' || !Array.isArray(payment.transactions))
      return refuse('kr-answer is not a V4 payment (no orderStatus or transactions)');
    return { ok: true, payload: payment as IpnPayment };
  });
}

function readFields(input: unknown): VerifyResult<Record<string, string>> {
  if (input instanceof URLSearchParams) return { ok: true, payload: Object.fromEntries(input) };
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = readRawBody(input);
    return text.ok ? { ok: true, payload: Object.fromEntries(new URLSearchParams(text.value)) } : text;
  }
  if (typeof input !== 'object' || input === null) return refuse('no IPN: pass the form fields or the raw body');
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(input)) {
    // Only the kr-* fields are esipay's; a field sent twice (an array) is not a form esipay wrote.
    if (typeof v === 'string') fields[k] = v;
    else if (k.startsWith('kr-')) return refuse(`the ${k} field is not a string`);
  }
  return { ok: true, payload: fields };
}
