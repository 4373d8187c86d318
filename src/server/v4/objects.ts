import type { MerchantRecord, RefundView, TransactionRecord } from '../../domain/types.js';
import { remainingOf } from '../../domain/decisions.js';
import { displayStatus, withinGuarantee } from '../../domain/transaction-status.js';
import { isoSeconds } from './envelope.js';
import { v4Mode } from './mode.js';

/**
 * esipay's records in the V4 API's shapes: a transaction (V4/PaymentTransaction), a payment
 * (V4/Payment: CreatePayment's answer and the IPN's kr-answer) and an order (V4/Order).
 * Amounts stay integers of minor units, as on the V4 wire.
 */

/** A stored status in the V4 API's two levels: status (PAID/UNPAID/RUNNING) and detailedStatus. */
function statusesOf(t: TransactionRecord, now: Date): { status: string; detailedStatus: string } {
  const shown = displayStatus(t, now);
  switch (shown) {
    case 'AUTHORISED':
      return { status: 'PAID', detailedStatus: 'ACCEPTED' };
    case 'EXPIRED':
      return { status: 'UNPAID', detailedStatus: 'EXPIRED' };
    case 'PAID':
    case 'PARTIALLY_REFUNDED':
    case 'REFUNDED':
      return { status: 'PAID', detailedStatus: t.kind === 'shipment' ? 'AUTHORISED' : 'CAPTURED' };
    case 'PENDING':
      return { status: 'RUNNING', detailedStatus: 'WAITING_AUTHORISATION' };
    case 'DECLINED':
      return { status: 'UNPAID', detailedStatus: 'REFUSED' };
    case 'FAILED':
      return { status: 'UNPAID', detailedStatus: 'ERROR' };
    case 'CANCELLED':
      return { status: 'UNPAID', detailedStatus: 'CANCELLED' };
  }
}

/** Why a transaction is unpaid, in the transaction's own error fields. */
function transactionError(t: TransactionRecord): Record<string, string | null> {
  if (t.status === 'DECLINED') {
    return {
      errorCode: 'ACQ_001',
      errorMessage: 'payment refused',
      detailedErrorCode: t.reason,
      detailedErrorMessage: `the card was declined (${t.reason ?? 'card_declined'})`,
    };
  }
  if (t.status === 'FAILED') {
    return {
      errorCode: 'ESI_503',
      errorMessage: 'service unavailable',
      detailedErrorCode: t.reason,
      detailedErrorMessage: 'the acquirer failed (technical error)',
    };
  }
  return { errorCode: null, errorMessage: null, detailedErrorCode: null, detailedErrorMessage: null };
}

const BRANDS: Record<string, string> = { visa: 'VISA', mastercard: 'MASTERCARD', amex: 'AMEX', cb: 'CB', discover: 'DISCOVER', jcb: 'JCB' };

export function v4Transaction(
  t: TransactionRecord,
  now: Date,
  parent?: TransactionRecord,
  type = 'V4/PaymentTransaction',
): Record<string, unknown> {
  const details: Record<string, unknown> = {
    cardDetails:
      t.cardFirst6 && t.cardLast4
        ? { pan: `${t.cardFirst6}XXXXXX${t.cardLast4}`, effectiveBrand: BRANDS[t.cardBrand ?? ''] ?? 'UNKNOWN', _type: 'V4/CardDetails' }
        : null,
    parentTransactionUuid: t.parentId,
    _type: 'V4/TransactionDetails',
  };
  if (t.kind === 'initial') {
    // esipay's additions: what the 180-day multi-authorisation still allows.
    details.shipment = {
      authorisedAmount: t.amount,
      shippedAmount: t.shipped,
      remainingAmount: remainingOf(t, now.toISOString()),
      expirationDate: t.expiresAt ? isoSeconds(t.expiresAt) : null,
    };
  }
  if (t.kind === 'shipment') {
    details.shipment = {
      initialTransactionUuid: t.parentId,
      withinPaymentGuarantee: parent ? withinGuarantee(t, parent) : null,
    };
  }
  if (t.refunded > 0) details.refundedAmount = t.refunded;
  return {
    shopId: t.merchantId,
    uuid: t.id,
    amount: t.amount,
    currency: t.currency,
    paymentMethodType: 'CARD',
    paymentMethodToken: null,
    ...statusesOf(t, now),
    operationType: t.kind === 'initial' ? 'VERIFICATION' : 'DEBIT',
    effectiveStrongAuthentication: t.kind === 'initial' ? 'ENABLED' : 'DISABLED',
    creationDate: isoSeconds(t.createdAt),
    ...transactionError(t),
    metadata: null,
    orderDetails: { orderId: t.cid, _type: 'V4/OrderDetails' },
    transactionDetails: details,
    _type: type,
  };
}

/** A refund as the V4 API shows it: a CREDIT transaction under the one it refunds. */
export function v4Refund(r: RefundView, merchantId: string): Record<string, unknown> {
  return {
    shopId: merchantId,
    uuid: r.id,
    amount: r.amount,
    currency: r.currency,
    paymentMethodType: 'CARD',
    paymentMethodToken: null,
    status: 'PAID',
    detailedStatus: 'AUTHORISED',
    operationType: 'CREDIT',
    creationDate: isoSeconds(r.createdAt),
    errorCode: null,
    errorMessage: null,
    detailedErrorCode: null,
    detailedErrorMessage: null,
    metadata: null,
    transactionDetails: { parentTransactionUuid: r.transaction, _type: 'V4/TransactionDetails' },
    _type: 'V4/PaymentTransaction',
  };
}

/** CreatePayment's answer and the IPN's kr-answer: the order and its one initial transaction. */
export function v4Payment(merchant: MerchantRecord, t: TransactionRecord, now: Date): Record<string, unknown> {
  const transaction = v4Transaction(t, now);
  const paid = transaction.status === 'PAID';
  return {
    shopId: merchant.id,
    orderCycle: 'CLOSED',
    orderStatus: paid ? 'PAID' : 'UNPAID',
    serverDate: isoSeconds(now),
    orderDetails: {
      orderTotalAmount: t.amount,
      orderEffectiveAmount: t.amount,
      orderCurrency: t.currency,
      mode: v4Mode(),
      orderId: t.cid,
      metadata: null,
      _type: 'V4/OrderDetails',
    },
    customer: { email: t.email, reference: null, _type: 'V4/Customer/Customer' },
    transactions: [transaction],
    subMerchantDetails: null,
    _type: 'V4/Payment',
  };
}

/** Order/Get: every transaction of an order, oldest first, shipments with their initial one. */
export function v4Order(merchant: MerchantRecord, orderId: string, txs: TransactionRecord[], now: Date): Record<string, unknown> {
  const byId = new Map(txs.map((t) => [t.id, t]));
  const paid = txs.some((t) => statusesOf(t, now).status === 'PAID');
  return {
    shopId: merchant.id,
    orderId,
    orderStatus: paid ? 'PAID' : 'UNPAID',
    transactions: txs.map((t) => v4Transaction(t, now, t.parentId ? byId.get(t.parentId) : undefined)),
    _type: 'V4/Order',
  };
}
