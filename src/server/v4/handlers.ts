import type { z } from 'zod';
import type { MerchantRecord, TransactionRecord } from '../../domain/types.js';
import type { ServiceDeps } from '../deps.js';
import type { HttpRequest } from '../http.js';
import { type V4Code, v4ErrorOf } from './codes.js';
import { echoOf } from './echo.js';
import type { V4ErrorAnswer } from './envelope.js';
import { issueFormToken } from './payment-form-token.js';
import { PaymentIpn } from './ipn.js';
import { v4OrderTransactions, v4Payment, v4RefundTransaction, v4Transaction } from './objects.js';
import {
  CreatePaymentRequest,
  CreateShipmentRequest,
  describeIssue,
  OrderGetRequest,
  RefundRequest,
  SdkTestRequest,
  SHIPMENT_USE_CASE,
  STRONG_AUTHENTICATION,
  TransactionGetRequest,
} from './schemas.js';

/** What a web service gets: the service, the authenticated merchant, the request. */
export interface V4Call {
  deps: ServiceDeps;
  merchant: MerchantRecord;
  req: HttpRequest;
  body: unknown;
}

/** A V4 error raised by the API layer itself (validation the use cases do not do). */
export class V4Failure extends Error {
  constructor(readonly error: V4ErrorAnswer) {
    super(error.errorMessage);
  }
}

const fail = (code: V4Code, detail: string): V4Failure => new V4Failure(v4ErrorOf(code, detail));

export type WebService = (call: V4Call) => Promise<Record<string, unknown>>;

export const WEB_SERVICES = {
  'Charge/SDKTest': sdkTest,
  'Charge/CreatePayment': createPayment,
  'Charge/CreateShipmentTransaction': createShipmentTransaction,
  'Charge/CreateToken': createToken,
  'Transaction/Get': getTransaction,
  'Order/Get': getOrder,
  'Transaction/Refund': refundTransaction,
  'Transaction/CancelOrRefund': refundTransaction,
} as const satisfies Record<string, WebService>;

export type V4WebServiceName = keyof typeof WEB_SERVICES;

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw fail('INT_902', describeIssue(r.error));
  return r.data;
}

const now = (call: V4Call): Date => call.deps.engine.clock();

/** The Idempotency-Key header or the body's idempotencyKey (they must agree when both are sent). */
function idempotencyKeyOf(call: V4Call, fromBody: string | null | undefined): string | undefined {
  const header = call.req.headers['idempotency-key'];
  const h = Array.isArray(header) ? header[0] : header;
  if (h !== undefined && fromBody != null && h !== fromBody)
    throw fail('ESI_013', 'the Idempotency-Key header and the idempotencyKey field differ');
  // The engine checks the key's form (ESI_013 as invalid_idempotency_key).
  return h ?? fromBody ?? undefined;
}

/** Charge/SDKTest: as on the platform, the value sent comes back, which tests a client's credentials and setup. */
async function sdkTest(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(SdkTestRequest, call.body);
  return { value: r.value ?? null, _type: 'V4/Type/String' };
}

/**
 * Charge/CreateToken registers a card for later payments on the platform; esipay keeps no card
 * for the merchant to use later (only the acquirer's token of a shipment order), so it refuses
 * with the platform's own code for a refused token creation.
 */
async function createToken(): Promise<Record<string, unknown>> {
  throw fail('PSP_035', 'esipay registers no card for later payments; pay with Charge/CreatePayment instead');
}

/**
 * Charge/CreatePayment. Without useCase: an immediate payment, the card debited for the amount.
 * With useCase SHIPMENT_MULTIPLE_AUTHORISATION: the initial transaction of payment at shipment
 * (seed 001), the card verified for the total and debited as the goods ship. With the card
 * (paymentForms[0], a PCI-DSS merchant): done now, answered as a V4/Payment and notified by IPN.
 * Without it: a formToken and the hosted page where the buyer enters it.
 */
async function createPayment(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(CreatePaymentRequest, call.body);
  const { merchant, deps } = call;
  // The order's checks come first (INT_009, INT_010, PSP_519, PSP_606…), from the engine.
  const order = deps.engine.v4.checkOrder(merchant, {
    amount: r.amount,
    currency: r.currency,
    orderId: r.orderId,
    email: r.customer?.email,
  });
  if (
    r.strongAuthentication !== undefined &&
    r.strongAuthentication !== null &&
    !STRONG_AUTHENTICATION.includes(r.strongAuthentication as never)
  ) {
    throw fail('INT_050', `strongAuthentication must be one of ${STRONG_AUTHENTICATION.join(', ')}`);
  }
  if (r.useCase != null && r.useCase !== SHIPMENT_USE_CASE) {
    throw fail('ESI_011', `useCase must be ${SHIPMENT_USE_CASE}, or absent for an immediate payment`);
  }
  const atShipment = r.useCase === SHIPMENT_USE_CASE;
  const key = idempotencyKeyOf(call, r.idempotencyKey);
  const echo = echoOf(r);
  const ipnTargetUrl = r.ipnTargetUrl ?? null;
  const form = r.paymentForms?.[0];
  if (!form) {
    const token = await issueFormToken(deps.store, { merchant: merchant.id, ...order, atShipment }, { echo, ipnTargetUrl }, now(call));
    return { formToken: token, paymentUrl: `${deps.publicUrl}/payform/${token}`, _type: 'V4/Charge/PaymentForm' };
  }
  const ipn = new PaymentIpn(merchant, deps.engine.clock, ipnTargetUrl);
  const input = {
    ...order,
    card: { number: form.pan, month: String(form.expiryMonth), year: String(form.expiryYear) },
    ...(key !== undefined ? { idempotencyKey: key } : {}),
    notification: ipn.notification,
    details: { ...echo },
  };
  const outcome = atShipment ? await deps.engine.v4.authorise(merchant, input) : await deps.engine.v4.pay(merchant, input);
  return paymentAnswer(deps, merchant, outcome, ipn);
}

/**
 * A payment's V4 answer: the one its IPN carries when this request wrote the payment (the IPN was
 * queued with it), else (a replay, or a payment settled meanwhile by someone else, which this
 * request does not notify) the payment as it stands.
 */
export function paymentAnswer(
  deps: ServiceDeps,
  merchant: MerchantRecord,
  outcome: { transaction: TransactionRecord; written: boolean },
  ipn: PaymentIpn,
): Record<string, unknown> {
  const notified = outcome.written ? ipn.answerOf(outcome.transaction.id) : undefined;
  return notified ?? v4Payment(merchant, outcome.transaction, deps.engine.clock());
}

/** Charge/CreateShipmentTransaction: a DEBIT of what was shipped, against the initial transaction. */
async function createShipmentTransaction(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(CreateShipmentRequest, call.body);
  const { merchant, deps } = call;
  // The seed checks the amount first (INT_009), then the currency; the engine checks both.
  if (r.currency !== undefined && r.currency !== null) {
    deps.engine.v4.checkOrder(merchant, { amount: r.amount, currency: r.currency });
  }
  const key = idempotencyKeyOf(call, r.idempotencyKey);
  const { shipment, initial } = await deps.engine.v4.ship(merchant, {
    initial: r.uuid,
    amount: r.amount,
    ...(r.customer?.email ? { email: r.customer.email } : {}),
    ...(key !== undefined ? { idempotencyKey: key } : {}),
  });
  return v4Transaction(merchant, shipment, now(call), initial);
}

/** Transaction/Get: a transaction, or a refund (a CREDIT transaction on the platform). */
async function getTransaction(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(TransactionGetRequest, call.body);
  const found = await call.deps.engine.v4.transaction(call.merchant, r.uuid);
  if (!found) throw fail('PSP_010', `no transaction ${JSON.stringify(r.uuid.slice(0, 64))} for this merchant`);
  if (found.refund) return v4RefundTransaction(call.merchant, found.refund, found.transaction, found.parent);
  return v4Transaction(call.merchant, found.transaction, now(call), found.parent);
}

async function getOrder(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(OrderGetRequest, call.body);
  const { transactions, refunds } = await call.deps.engine.v4.order(call.merchant, r.orderId);
  // As on the platform, an order with no transaction is as unknown as a transaction (PSP_010).
  if (transactions.length === 0) throw fail('PSP_010', `no order ${JSON.stringify(r.orderId.slice(0, 64))} for this merchant`);
  return v4OrderTransactions(call.merchant, r.orderId, transactions, refunds, now(call));
}

/**
 * Transaction/Refund and Transaction/CancelOrRefund: a paid transaction (an immediate payment,
 * a shipment) is refunded in full or in part, the answer the CREDIT transaction the refund is;
 * an initial transaction cannot be modified (PSP_231, the engine's initial_not_refundable).
 */
async function refundTransaction(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(RefundRequest, call.body);
  const { merchant, deps } = call;
  const key = idempotencyKeyOf(call, r.idempotencyKey);
  const { refund, transaction } = await deps.engine.v4.refund(merchant, {
    uuid: r.uuid,
    amount: r.amount,
    currency: r.currency,
    ...(key !== undefined ? { idempotencyKey: key } : {}),
  });
  const parent = transaction.parentId ? (await deps.engine.v4.transaction(merchant, transaction.parentId))?.transaction : undefined;
  return v4RefundTransaction(merchant, refund, transaction, parent);
}
