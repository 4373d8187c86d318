import type { z } from 'zod';
import { EsipayError } from '../../domain/errors.js';
import type { MerchantRecord, TransactionRecord, TransactionView } from '../../domain/types.js';
import { checkAmount, checkCurrency, checkEmail, checkIdempotencyKey } from '../../engine/local/shipments.js';
import { checkReference } from '../../engine/local/context.js';
import { formatDecimal } from '../../money/amount.js';
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

const now = (call: V4Call): Date => call.deps.engine.ctx.clock();

/** The Idempotency-Key header or the body's idempotencyKey (they must agree when both are sent). */
function idempotencyKeyOf(call: V4Call, fromBody: string | null | undefined): string | undefined {
  const header = call.req.headers['idempotency-key'];
  const h = Array.isArray(header) ? header[0] : header;
  if (h !== undefined && fromBody != null && h !== fromBody)
    throw fail('ESI_013', 'the Idempotency-Key header and the idempotencyKey field differ');
  const key = h ?? fromBody ?? undefined;
  return key === undefined ? undefined : checkIdempotencyKey(key);
}

/**
 * Charge/CreatePayment with useCase SHIPMENT_MULTIPLE_AUTHORISATION: the initial transaction.
 * With the card (paymentForms[0], a PCI-DSS merchant): verified now, answered as a V4/Payment,
 * and notified by IPN. Without it: a formToken and the hosted page where the buyer enters it.
 */
async function createPayment(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(CreatePaymentRequest, call.body);
  const { merchant, deps } = call;
  const amount = checkAmount(r.amount);
  const currency = checkCurrency(r.currency, merchant);
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
  const orderId = r.orderId ? checkReference('invalid_order_id', 'the orderId', r.orderId) : '';
  const email = checkEmail(r.customer?.email);
  const key = idempotencyKeyOf(call, r.idempotencyKey);
  const form = r.paymentForms?.[0];

  if (!form) {
    const token = await issueFormToken(deps.store, { merchant: merchant.id, amount, currency, orderId, email }, now(call));
    return { formToken: token, paymentUrl: `${deps.publicUrl}/payform/${token}`, _type: 'V4/Charge/PaymentForm' };
  }
  const ipn = new PaymentIpn(merchant, deps.engine.ctx.clock);
  const view = await outcomeOf(
    deps.engine.createInitial(
      {
        merchant: merchant.id,
        amount,
        currency,
        orderId,
        ...(email ? { email } : {}),
        card: { number: form.pan, month: String(form.expiryMonth), year: String(form.expiryYear) },
        ...(key !== undefined ? { idempotencyKey: key } : {}),
      },
      { notification: ipn.notification },
    ),
  );
  return paymentAnswer(deps, merchant, view.id, ipn);
}

/**
 * A payment's V4 answer: the one its IPN carries when this request wrote the payment (the IPN was
 * queued with it), else (a replay, which notifies nothing) the payment as it stands.
 */
export async function paymentAnswer(
  deps: ServiceDeps,
  merchant: MerchantRecord,
  transactionId: string,
  ipn: PaymentIpn,
): Promise<Record<string, unknown>> {
  const notified = ipn.answerOf(transactionId);
  if (notified) return notified;
  const record = await requireRecord(deps, merchant, transactionId);
  return v4Payment(merchant, record, deps.engine.ctx.clock());
}

/** A declined (or acquirer-failed) payment is still an answer: the transaction, UNPAID. */
export async function outcomeOf(p: Promise<TransactionView>): Promise<TransactionView> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof EsipayError && (e.kind === 'refused' || e.kind === 'unavailable') && isView(e.transaction)) return e.transaction;
    throw e;
  }
}

function isView(t: unknown): t is TransactionView {
  return typeof t === 'object' && t !== null && typeof (t as TransactionView).id === 'string';
}

/** Charge/CreateShipmentTransaction: a DEBIT of what was shipped, against the initial transaction. */
async function createShipmentTransaction(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(CreateShipmentRequest, call.body);
  const { merchant, deps } = call;
  const amount = checkAmount(r.amount);
  if (r.currency !== undefined && r.currency !== null) checkCurrency(r.currency, merchant);
  const email = checkEmail(r.customer?.email);
  const key = idempotencyKeyOf(call, r.idempotencyKey);
  const view = await outcomeOf(
    deps.engine.createShipment({
      merchant: merchant.id,
      initial: r.uuid,
      amount,
      ...(email ? { email } : {}),
      ...(key !== undefined ? { idempotencyKey: key } : {}),
    }),
  );
  const record = await requireRecord(deps, merchant, view.id);
  const parent = record.parentId ? await deps.store.getTransaction(record.parentId) : undefined;
  return v4Transaction(record, now(call), parent);
}

async function getTransaction(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(TransactionGetRequest, call.body);
  const record = await requireRecord(call.deps, call.merchant, r.uuid);
  const parent = record.parentId ? await call.deps.store.getTransaction(record.parentId) : undefined;
  return v4Transaction(record, now(call), parent, 'V4/Transaction');
}

async function getOrder(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(OrderGetRequest, call.body);
  const rows = await call.deps.store.listTransactions({ merchantId: call.merchant.id, cid: r.orderId, limit: 1000 });
  if (rows.length === 0) throw fail('ESI_021', `no order ${JSON.stringify(r.orderId.slice(0, 64))} for this merchant`);
  return v4Order(call.merchant, r.orderId, rows.reverse(), now(call));
}

/**
 * Transaction/Refund and Transaction/CancelOrRefund: a shipment (or any paid transaction) is
 * refunded in full or in part; an initial transaction cannot be modified (PSP_231).
 */
async function refundTransaction(call: V4Call): Promise<Record<string, unknown>> {
  const r = parse(RefundRequest, call.body);
  const { merchant, deps } = call;
  const record = await requireRecord(deps, merchant, r.uuid);
  if (record.kind === 'initial') {
    throw fail('PSP_231', `transaction ${record.id} is an initial transaction: it debited nothing; refund its shipments instead`);
  }
  if (r.currency !== undefined && r.currency !== null) checkCurrency(r.currency, merchant);
  const amount = r.amount === undefined || r.amount === null ? undefined : formatDecimal(checkAmount(r.amount), record.currency);
  const outcome = await deps.engine.refund({ transaction: record.id, merchant: merchant.id, ...(amount !== undefined ? { amount } : {}) });
  return v4Refund(outcome.refund, merchant.id);
}

async function requireRecord(deps: ServiceDeps, merchant: MerchantRecord, id: string): Promise<TransactionRecord> {
  const record = id.length <= 64 ? await deps.store.getTransaction(id) : undefined;
  if (!record || record.merchantId !== merchant.id)
    throw fail('ESI_020', `no transaction ${JSON.stringify(id.slice(0, 64))} for this merchant`);
  return record;
}
