import type { z } from 'zod';
import type { MerchantRecord, TransactionRecord } from '../../domain/types.js';
import type { ServiceDeps } from '../deps.js';
import type { HttpRequest } from '../http.js';
import { type V4Code, v4ErrorOf } from './codes.js';
import type { V4ErrorAnswer } from './envelope.js';
import { issueFormToken } from './payment-form-token.js';
import { PaymentIpn } from './ipn.js';
import { v4Order, v4Payment, v4Refund, v4Transaction } from './objects.js';
import {
  CreatePaymentRequest,
  CreateShipmentRequest,
  describeIssue,
  OrderGetRequest,
  RefundRequest,
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

export const WEB_SERVICES: Record<string, WebService> = {
  'Charge/CreatePayment': createPayment,
  'Charge/CreateShipmentTransaction': createShipmentTransaction,
  'Transaction/Get': getTransaction,
  'Order/Get': getOrder,
  'Transaction/Refund': refundTransaction,
  'Transaction/CancelOrRefund': refundTransaction,
};

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

/**
 * Charge/CreatePayment with useCase SHIPMENT_MULTIPLE_AUTHORISATION: the initial transaction.
 * With the card (paymentForms[0], a PCI-DSS merchant): verified now, answered as a V4/Payment,
 * and notified by IPN. Without it: a formToken and the hosted page where the buyer enters it.
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
  if (r.useCase !== SHIPMENT_USE_CASE) {
    throw fail('ESI_011', `useCase must be ${SHIPMENT_USE_CASE}: esipay's V4 API offers payment at shipment only`);
  }
  const key = idempotencyKeyOf(call, r.idempotencyKey);
  const form = r.paymentForms?.[0];
  if (!form) {
    const token = await issueFormToken(deps.store, { merchant: merchant.id, ...order }, now(call));
    return { formToken: token, paymentUrl: `${deps.publicUrl}/payform/${token}`, _type: 'V4/Charge/PaymentForm' };
  }
  const ipn = new PaymentIpn(merchant, deps.engine.clock);
  const { transaction } = await deps.engine.v4.authorise(merchant, {
    ...order,
    card: { number: form.pan, month: String(form.expiryMonth), year: String(form.expiryYear) },
    ...(key !== undefined ? { idempotencyKey: key } : {}),
    notification: ipn.notification,
  });
  return paymentAnswer(deps, merchant, transaction, ipn);
}

/**
 * A payment's V4 answer: the one its IPN carries when this request wrote the payment (the IPN was
 * queued with it), else (a replay, which notifies nothing) the payment as it stands.
 */
export function paymentAnswer(
  deps: ServiceDeps,
  merchant: MerchantRecord,
  transaction: TransactionRecord,
  ipn: PaymentIpn,
): Record<string, unknown> {
  return ipn.answerOf(transaction.id) ?? v4Payment(merchant, transaction, deps.engine.clock());
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
  return v4Transaction(shipment, now(call), initial);
}

async function getTransaction(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(TransactionGetRequest, call.body);
  const found = await call.deps.engine.v4.transaction(call.merchant, r.uuid);
  if (!found) throw unknownTransaction(r.uuid);
  return v4Transaction(found.transaction, now(call), found.parent, 'V4/Transaction');
}

async function getOrder(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(OrderGetRequest, call.body);
  const rows = await call.deps.engine.v4.order(call.merchant, r.orderId);
  if (rows.length === 0) throw fail('ESI_021', `no order ${JSON.stringify(r.orderId.slice(0, 64))} for this merchant`);
  return v4Order(call.merchant, r.orderId, rows, now(call));
}

/**
 * Transaction/Refund and Transaction/CancelOrRefund: a shipment (or any paid transaction) is
 * refunded in full or in part; an initial transaction cannot be modified (PSP_231, the engine's
 * initial_not_refundable).
 */
async function refundTransaction(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(RefundRequest, call.body);
  const { merchant, deps } = call;
  const key = idempotencyKeyOf(call, r.idempotencyKey);
  const outcome = await deps.engine.v4.refund(merchant, {
    uuid: r.uuid,
    amount: r.amount,
    currency: r.currency,
    ...(key !== undefined ? { idempotencyKey: key } : {}),
  });
  return v4Refund(outcome.refund, merchant.id);
}

const unknownTransaction = (id: string): V4Failure =>
  fail('ESI_020', `no transaction ${JSON.stringify(id.slice(0, 64))} for this merchant`);
