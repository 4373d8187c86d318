import { z } from 'zod';
import type {
  CreateInitialInput,
  CreateLinkInput,
  CreateShipmentInput,
  RefundInput,
  RegisterMerchantInput,
  UpdateMerchantInput,
} from '../../engine/engine.js';
import type { Proof, Same } from './same-type.js';

/**
 * The operator API's request bodies and query strings (src/server/admin/). The routes pass each
 * value on to the engine as sent, which checks it and names the field in its error; these schemas
 * say what the engine takes. Each body's fields are proven to be its engine input's (less what the
 * path or the connection gives), so a field the engine gains or loses does not compile here.
 */
type Keys<T> = keyof T;
const decimal = z.string().describe('decimal amount, "." separator, in the currency (e.g. "74.12")');
const card = z.object({ number: z.string(), month: z.string(), year: z.string() });

export const RegisterMerchantBody = z.object({
  name: z.string(),
  ip: z.string().describe("the merchant's server address: v2 calls for it must come from there"),
  returnUrl: z.string().describe('where each v2 payment is confirmed (it must answer 200)'),
  currency: z.string().length(3).optional().describe('ISO 4217; EUR by default'),
  notificationUrl: z.string().nullable().optional().describe('where V4 IPNs go; the return URL when absent'),
});
export type RegisterMerchantBodyProof = Proof<Same<Keys<z.input<typeof RegisterMerchantBody>>, Keys<RegisterMerchantInput>>>;

export const UpdateMerchantBody = z.object({
  name: z.string().optional(),
  ip: z.string().optional(),
  returnUrl: z.string().optional(),
  notificationUrl: z.string().nullable().optional().describe('null or "": IPNs go to the return URL again'),
});
export type UpdateMerchantBodyProof = Proof<Same<Keys<z.input<typeof UpdateMerchantBody>>, Keys<UpdateMerchantInput>>>;

export const RotateSecretBody = z.object({
  expirePrevious: z.boolean().optional().describe('the previous secret stops working at once (a leaked secret)'),
});

export const AdminRefundBody = z.object({
  amount: z.union([decimal, z.number()]).nullable().optional().describe('absent: all that remains'),
  merchant: z.string().optional().describe('when given, the transaction must be this merchant’s'),
  idempotencyKey: z.string().optional().describe('or the Idempotency-Key header'),
});
export type AdminRefundBodyProof = Proof<
  Same<Keys<z.input<typeof AdminRefundBody>>, Exclude<Keys<RefundInput>, 'transaction' | 'callerIp'>>
>;

export const CreateInitialBody = z.object({
  merchant: z.string(),
  amount: decimal,
  currency: z.string().length(3).optional(),
  orderId: z.string(),
  email: z.string().optional(),
  card,
  idempotencyKey: z.string().optional().describe('or the Idempotency-Key header'),
});
export type CreateInitialBodyProof = Proof<Same<Keys<z.input<typeof CreateInitialBody>>, Keys<CreateInitialInput>>>;

export const CreateShipmentBody = z.object({
  merchant: z.string(),
  initial: z.string().describe("the initial transaction's uuid"),
  amount: decimal,
  email: z.string().optional(),
  idempotencyKey: z.string().optional().describe('or the Idempotency-Key header'),
});
export type CreateShipmentBodyProof = Proof<Same<Keys<z.input<typeof CreateShipmentBody>>, Keys<CreateShipmentInput>>>;

export const CreateLinkBody = z.object({
  merchant: z.string(),
  amount: decimal,
  paymentReference: z.string(),
  consumerReference: z.string(),
  callbackUrl: z.string(),
  email: z.string(),
  phone: z.string(),
  mode: z.enum(['pay_now', 'multi_pay', 'pay_later']).optional(),
  extra: z.record(z.string(), z.unknown()).optional().describe('every other field of the get_link_payment table, as sent'),
});
export type CreateLinkBodyProof = Proof<Same<Keys<z.input<typeof CreateLinkBody>>, Keys<CreateLinkInput>>>;

const force = z.boolean().optional().describe('needed for a move backwards, or to leave live mode');
export const ClockAdvanceBody = z.object({ duration: z.string().describe('"30d", "12h", "90m", "1w", "1d12h"') });
export const ClockSetBody = z.object({ time: z.string().describe('ISO 8601 time with its zone, or a date'), force });
export const ClockResetBody = z.object({ force });
export const SetModeBody = z.object({ mode: z.enum(['test', 'live']), force });

/** Query strings, one parameter per field. */
export const PageQuery = z.object({
  limit: z.string().regex(/^\d+$/).optional().describe('how many, at most'),
  cursor: z.string().optional().describe("the previous page's next"),
});

export const TransactionListQuery = PageQuery.extend({
  kind: z.string().optional().describe('comma-separated: card, initial, shipment, link'),
  status: z.string().optional().describe('comma-separated displayed statuses: PAID, PARTIALLY_REFUNDED, REFUNDED, EXPIRED…'),
  since: z.string().optional().describe('created at or after this day or ISO 8601 time'),
  until: z.string().optional().describe('created before this day or ISO 8601 time'),
  cid: z.string().optional().describe("the merchant's reference"),
  top_level: z.enum(['true', '1']).optional().describe('no shipments (they show under their initial transaction)'),
});

export const MerchantQuery = z.object({ merchant: z.string().optional().describe('when given, the record must be this merchant’s') });

export const EventListQuery = PageQuery.extend({
  merchant: z.string().optional(),
  transaction: z.string().optional(),
  type: z.string().optional(),
  status: z.enum(['pending', 'failed', 'delivered', 'dead']).optional(),
});

export const EventFeedQuery = z.object({
  after: z.string().optional().describe("the previous answer's cursor; absent: from now on"),
  limit: z.string().regex(/^\d+$/).optional(),
});
