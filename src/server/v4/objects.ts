import type { MerchantRecord, RefundRecord, TransactionRecord } from '../../domain/types.js';
import { remainingOf } from '../../domain/decisions.js';
import { displayStatus, withinGuarantee } from '../../domain/transaction-status.js';
import { APPROVED, type CardFacts, declineCodeOf, TECHNICAL_FAILURE, v4CardDetails } from './card-details.js';
import { v4Customer } from './customer.js';
import { type StoredEcho, storedEchoOf } from './echo.js';
import { isoSeconds } from './envelope.js';
import { v4Mode } from './mode.js';

/**
 * esipay's records in the V4 platform's shapes: a transaction (V4/Transaction; V4/PaymentTransaction
 * inside a payment), a refund as the CREDIT transaction it is on the platform, a payment
 * (V4/Payment: CreatePayment's answer and the IPN's kr-answer) and an order (V4/OrderTransactions).
 * Every field of the platform's reference is there (answer-schemas.ts states them), with what
 * esipay knows and null for the rest, so that code written for the platform reads them without
 * crashing. Amounts stay integers of minor units, as on the V4 wire.
 */

/** The merchant's shop number as V4 answers show it (its uuid only for a merchant written without one). */
export const shopIdOf = (merchant: MerchantRecord): string => merchant.shopId ?? merchant.id;

type Statuses = { status: string; detailedStatus: string };

/** A stored status in the V4 API's two levels: status (PAID/UNPAID/RUNNING) and detailedStatus. */
function statusesOf(t: TransactionRecord, now: Date): Statuses {
  switch (displayStatus(t, now)) {
    case 'AUTHORISED':
      return { status: 'PAID', detailedStatus: 'ACCEPTED' };
    case 'EXPIRED':
      return { status: 'UNPAID', detailedStatus: 'EXPIRED' };
    case 'PAID':
    case 'PARTIALLY_REFUNDED':
    case 'REFUNDED':
      // esipay captures a payment as it is authorised; a shipment keeps the seed's AUTHORISED.
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

/**
 * Why a transaction is unpaid, in the transaction's own error fields: a refusal is the acquirer's
 * ACQ_001 with the network's numeric reason code (as the platform passes it on), esipay's own
 * reason in the message.
 */
function transactionError(t: TransactionRecord): Record<string, string | null> {
  if (t.status === 'DECLINED') {
    return {
      errorCode: 'ACQ_001',
      errorMessage: 'payment refused',
      detailedErrorCode: declineCodeOf(t.reason),
      detailedErrorMessage: `the card was declined (${t.reason ?? 'card_declined'})`,
    };
  }
  if (t.status === 'FAILED') {
    return {
      errorCode: 'ESI_503',
      errorMessage: 'service unavailable',
      detailedErrorCode: TECHNICAL_FAILURE,
      detailedErrorMessage: `the acquirer failed (technical error: ${t.reason ?? 'acquirer_error'})`,
    };
  }
  return NO_ERROR;
}

const NO_ERROR = { errorCode: null, errorMessage: null, detailedErrorCode: null, detailedErrorMessage: null };

const BRANDS: Record<string, string> = { visa: 'VISA', mastercard: 'MASTERCARD', amex: 'AMEX', cb: 'CB', discover: 'DISCOVER', jcb: 'JCB' };

/** The card of a transaction and what the acquirer answered for it. */
function cardFactsOf(t: TransactionRecord, echo: StoredEcho): CardFacts {
  const captured = t.status === 'PAID' && t.kind !== 'initial';
  let authorization: CardFacts['authorization'] = null;
  if (t.authCode) authorization = { amount: t.amount, currency: t.currency, date: t.createdAt, number: t.authCode, result: APPROVED };
  else if (t.status === 'DECLINED')
    authorization = { amount: t.amount, currency: t.currency, date: t.updatedAt, number: null, result: declineCodeOf(t.reason) };
  return {
    pan: t.cardFirst6 && t.cardLast4 ? `${t.cardFirst6}XXXXXX${t.cardLast4}` : null,
    brand: t.cardFirst6 ? (BRANDS[t.cardBrand ?? ''] ?? 'UNKNOWN') : null,
    expiryMonth: echo.expiryMonth,
    expiryYear: echo.expiryYear,
    authorization,
    capture: captured ? { date: t.createdAt, refunded: t.refunded, currency: t.currency } : null,
  };
}

/** The order a transaction belongs to, shown from the transaction it began with. */
function orderDetailsOf(root: TransactionRecord, echo: StoredEcho): Record<string, unknown> {
  return {
    orderTotalAmount: root.amount,
    orderEffectiveAmount: root.amount,
    orderCurrency: root.currency,
    mode: v4Mode(),
    // Without an orderId the record's own uuid stands in for it (see authoriseInitial): none was sent.
    orderId: root.cid === root.id ? null : root.cid,
    metadata: echo.metadata,
    _type: 'V4/OrderDetails',
  };
}

/** transactionDetails' fields the platform has and esipay does not fill (no 3-D Secure, no MID…). */
const TRANSACTION_DETAILS_NULLS = {
  acquirerDetails: null,
  fraudManagement: { _type: 'V4/PaymentMethod/Details/FraudManagement' },
  subscriptionDetails: { subscriptionId: null, _type: 'V4/PaymentMethod/Details/SubscriptionDetails' },
};
const TRANSACTION_DETAILS_TAIL = {
  mid: null,
  sequenceNumber: 1,
  taxAmount: null,
  preTaxAmount: null,
  taxRate: null,
  externalTransactionId: null,
  nsu: null,
  tid: null,
  acquirerNetwork: null,
  taxRefundAmount: null,
  userInfo: null,
  paymentMethodTokenPreviouslyRegistered: null,
  occurrenceType: 'UNITAIRE',
};

interface Parts {
  merchant: MerchantRecord;
  uuid: string;
  amount: number;
  currency: string;
  statuses: Statuses;
  operationType: 'VERIFICATION' | 'DEBIT' | 'CREDIT';
  creationContext: 'VERIFICATION' | 'CHARGE' | 'REFUND';
  effectiveStrongAuthentication: string;
  creationDate: string;
  errors: Record<string, string | null>;
  card: CardFacts;
  parentTransactionUuid: string | null;
  /** esipay's additions to transactionDetails (shipment, refundedAmount). */
  more: Record<string, unknown>;
  /** The transaction the order began with, and its echo. */
  root: TransactionRecord;
  email: string | null;
  echo: StoredEcho;
  type: string;
}

/** The one shape of every V4 transaction (V4/Transaction, V4/PaymentTransaction), from its parts. */
function transactionObject(p: Parts): Record<string, unknown> {
  return {
    shopId: shopIdOf(p.merchant),
    uuid: p.uuid,
    amount: p.amount,
    currency: p.currency,
    paymentMethodType: 'CARD',
    paymentMethodToken: null,
    ...p.statuses,
    operationType: p.operationType,
    effectiveStrongAuthentication: p.effectiveStrongAuthentication,
    creationDate: isoSeconds(p.creationDate),
    ...p.errors,
    metadata: p.echo.metadata,
    transactionDetails: {
      liabilityShift: 'NO',
      effectiveAmount: p.amount,
      effectiveCurrency: p.currency,
      creationContext: p.creationContext,
      ...v4CardDetails(p.card),
      ...TRANSACTION_DETAILS_NULLS,
      parentTransactionUuid: p.parentTransactionUuid,
      ...TRANSACTION_DETAILS_TAIL,
      ...p.more,
      _type: 'V4/TransactionDetails',
    },
    orderDetails: orderDetailsOf(p.root, p.echo),
    customer: v4Customer(p.email, p.echo.customer),
    _type: p.type,
  };
}

/**
 * A transaction (Transaction/Get, a shipment's answer, Order/Get). `parent` is a shipment's
 * initial transaction: its order and whether the shipment is within the payment guarantee.
 */
export function v4Transaction(
  merchant: MerchantRecord,
  t: TransactionRecord,
  now: Date,
  parent?: TransactionRecord,
  type = 'V4/Transaction',
): Record<string, unknown> {
  // A shipment's order, customer details and card are its initial transaction's.
  const echo = storedEchoOf(parent ?? t);
  const more: Record<string, unknown> = {};
  if (t.kind === 'initial') {
    // esipay's additions: what the 180-day multi-authorisation still allows.
    more.shipment = {
      authorisedAmount: t.amount,
      shippedAmount: t.shipped,
      remainingAmount: remainingOf(t, now.toISOString()),
      expirationDate: t.expiresAt ? isoSeconds(t.expiresAt) : null,
    };
  }
  if (t.kind === 'shipment') {
    more.shipment = { initialTransactionUuid: t.parentId, withinPaymentGuarantee: parent ? withinGuarantee(t, parent) : null };
  }
  if (t.refunded > 0) more.refundedAmount = t.refunded;
  const initial = t.kind === 'initial';
  return transactionObject({
    merchant,
    uuid: t.id,
    amount: t.amount,
    currency: t.currency,
    statuses: statusesOf(t, now),
    operationType: initial ? 'VERIFICATION' : 'DEBIT',
    creationContext: initial ? 'VERIFICATION' : 'CHARGE',
    effectiveStrongAuthentication: initial ? 'ENABLED' : 'DISABLED',
    creationDate: t.createdAt,
    errors: transactionError(t),
    card: cardFactsOf(t, echo),
    parentTransactionUuid: t.parentId,
    more,
    root: parent ?? t,
    email: t.email,
    echo,
    type,
  });
}

/**
 * A refund as the platform shows it: a transaction of its own, a CREDIT created by the refund
 * (creationContext REFUND) under the transaction it refunds, on the same card and order.
 */
export function v4RefundTransaction(
  merchant: MerchantRecord,
  refund: Pick<RefundRecord, 'id' | 'amount' | 'currency' | 'createdAt'>,
  refunded: TransactionRecord,
  parent?: TransactionRecord,
): Record<string, unknown> {
  const echo = storedEchoOf(parent ?? refunded);
  return transactionObject({
    merchant,
    uuid: refund.id,
    amount: refund.amount,
    currency: refund.currency,
    // Recorded and given back at once; the platform shows a new credit AUTHORISED until captured.
    statuses: { status: 'PAID', detailedStatus: 'AUTHORISED' },
    operationType: 'CREDIT',
    creationContext: 'REFUND',
    effectiveStrongAuthentication: 'DISABLED',
    creationDate: refund.createdAt,
    errors: NO_ERROR,
    card: {
      ...cardFactsOf(refunded, echo),
      authorization: { amount: refund.amount, currency: refund.currency, date: refund.createdAt, number: null, result: APPROVED },
      capture: null,
    },
    parentTransactionUuid: refunded.id,
    more: {},
    root: parent ?? refunded,
    email: refunded.email,
    echo,
    type: 'V4/Transaction',
  });
}

/** How an order stands: PAID as soon as one of its transactions is, RUNNING while one is in progress. */
function orderStatusOf(statuses: string[]): { orderCycle: string; orderStatus: string } {
  const orderStatus = statuses.includes('PAID') ? 'PAID' : statuses.includes('RUNNING') ? 'RUNNING' : 'UNPAID';
  // Paid, the order is done; unpaid (a refused card) it stays open: the buyer may try again.
  return { orderCycle: orderStatus === 'PAID' ? 'CLOSED' : 'OPEN', orderStatus };
}

/** CreatePayment's answer and the IPN's kr-answer: the order and its one payment transaction. */
export function v4Payment(merchant: MerchantRecord, t: TransactionRecord, now: Date): Record<string, unknown> {
  const transaction = v4Transaction(merchant, t, now, undefined, 'V4/PaymentTransaction');
  const echo = storedEchoOf(t);
  return {
    shopId: shopIdOf(merchant),
    ...orderStatusOf([transaction.status as string]),
    serverDate: isoSeconds(now),
    orderDetails: orderDetailsOf(t, echo),
    customer: v4Customer(t.email, echo.customer),
    transactions: [transaction],
    subMerchantDetails: null,
    _type: 'V4/Payment',
  };
}

/**
 * Order/Get: every transaction of an order, oldest first (shipments with their initial one), its
 * refunds among them as CREDIT transactions.
 */
export function v4OrderTransactions(
  merchant: MerchantRecord,
  orderId: string,
  txs: TransactionRecord[],
  refunds: RefundRecord[],
  now: Date,
): Record<string, unknown> {
  const byId = new Map(txs.map((t) => [t.id, t]));
  const parentOf = (t: TransactionRecord) => (t.parentId ? byId.get(t.parentId) : undefined);
  const dated = [
    ...txs.map((t) => ({ at: t.createdAt, object: v4Transaction(merchant, t, now, parentOf(t)) })),
    ...refunds.flatMap((r) => {
      const refunded = byId.get(r.transactionId);
      return refunded ? [{ at: r.createdAt, object: v4RefundTransaction(merchant, r, refunded, parentOf(refunded)) }] : [];
    }),
  ];
  // Stable: what was made in the same millisecond keeps its order (a transaction before its refund).
  const transactions = dated.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).map((d) => d.object);
  const first = txs.find((t) => t.parentId === null) ?? txs[0]!;
  const echo = storedEchoOf(first);
  return {
    shopId: shopIdOf(merchant),
    orderId,
    ...orderStatusOf(transactions.map((t) => t.status as string)),
    serverDate: isoSeconds(now),
    orderDetails: orderDetailsOf(first, echo),
    customer: v4Customer(first.email, echo.customer),
    transactions,
    subMerchantDetails: null,
    _type: 'V4/OrderTransactions',
  };
}
