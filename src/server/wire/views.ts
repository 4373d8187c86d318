import { z } from 'zod';
import type { MaskedCard } from '../../card/card.js';
import type { EventDetail, EventFeed, EventView } from '../../domain/events.js';
import type { MerchantView, MerchantWithSecret, Page, RefundView, TransactionDetail, TransactionView } from '../../domain/types.js';
import type { ClockView, DatabaseModeView } from '../../engine/clock-types.js';
import type { LinkView, RefundOutcome } from '../../engine/engine.js';
import type { MerchantTotals } from '../../store/store.js';
import type { Proof, Same } from './same-type.js';

/**
 * The JSON views the v2 routes and the operator API answer (the engine's return types, as
 * JSON.stringify writes them), as zod schemas for the OpenAPI document. Each is proven equal to
 * its TypeScript type below: a field added to a view and not here does not compile.
 */
const isoTime = z.string().describe('ISO 8601 UTC time');
const minor = z.number().int().describe('integer of minor units of the currency');
const currency = z.string().length(3).describe('ISO 4217 code');
const uuid = z.string().describe('esipay id (uuid)');

export const MaskedCardSchema = z.object({
  first6: z.string(),
  last4: z.string(),
  brand: z.enum(['visa', 'mastercard', 'amex', 'cb', 'discover', 'jcb', 'unknown']),
});
export type MaskedCardProof = Proof<Same<z.output<typeof MaskedCardSchema>, MaskedCard>>;

export const TransactionViewSchema = z.object({
  id: uuid,
  merchant: uuid,
  cid: z.string().describe("the merchant's reference: v2 cid, V4 orderId, link payment_reference"),
  kind: z.enum(['card', 'initial', 'shipment', 'link']),
  status: z.enum(['PENDING', 'PAID', 'AUTHORISED', 'DECLINED', 'FAILED', 'CANCELLED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'EXPIRED']),
  amount: minor,
  currency,
  refunded: minor,
  remaining: minor.describe('what can still be refunded (or shipped, for an initial transaction)'),
  card: MaskedCardSchema.nullable(),
  createdAt: isoTime,
  shipped: minor.optional(),
  expiresAt: isoTime.optional(),
  parent: uuid.optional(),
  withinGuarantee: z.boolean().optional(),
  reason: z.string().optional(),
});
export type TransactionViewProof = Proof<Same<z.output<typeof TransactionViewSchema>, TransactionView>>;

export const RefundViewSchema = z.object({ id: uuid, transaction: uuid, amount: minor, currency, createdAt: isoTime });
export type RefundViewProof = Proof<Same<z.output<typeof RefundViewSchema>, RefundView>>;

export const RefundOutcomeSchema = z.object({
  transaction: TransactionViewSchema,
  refund: RefundViewSchema,
  replayed: z.literal(true).optional().describe('only when the Idempotency-Key already held this refund: nothing was refunded now'),
});
export type RefundOutcomeProof = Proof<Same<z.output<typeof RefundOutcomeSchema>, RefundOutcome>>;

export const TransactionDetailSchema = TransactionViewSchema.extend({
  refunds: z.array(RefundViewSchema),
  shipments: z.array(TransactionViewSchema),
  callback: z.object({ status: z.number().int().nullable(), error: z.string().nullable() }).nullable(),
});
export type TransactionDetailProof = Proof<Same<z.output<typeof TransactionDetailSchema>, TransactionDetail>>;

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    next: z.string().nullable().describe('pass back as cursor for the next (older) page; null at the end'),
  });

export const TransactionPageSchema = page(TransactionViewSchema);
export type TransactionPageProof = Proof<Same<z.output<typeof TransactionPageSchema>, Page<TransactionView>>>;

export const MerchantViewSchema = z.object({
  uuid,
  shopId: z.string().optional().describe('the 8-digit shop number of the V4 API'),
  name: z.string(),
  ip: z.string(),
  returnUrl: z.string(),
  notificationUrl: z.string().nullable(),
  currency,
  createdAt: isoTime,
  status: z.enum(['active', 'disabled']).optional(),
  disabledAt: isoTime.nullable().optional(),
});
export type MerchantViewProof = Proof<Same<z.output<typeof MerchantViewSchema>, MerchantView>>;

export const MerchantWithSecretSchema = MerchantViewSchema.extend({
  secret: z.string().describe('shown once: store it, esipay keeps only its use'),
});
export type MerchantWithSecretProof = Proof<Same<z.output<typeof MerchantWithSecretSchema>, MerchantWithSecret>>;

export const MerchantPageSchema = page(MerchantViewSchema);
export type MerchantPageProof = Proof<Same<z.output<typeof MerchantPageSchema>, Page<MerchantView>>>;

const minorSum = z
  .string()
  .regex(/^-?\d+$/)
  .describe('exact sum of minor units, as a decimal string (it can exceed 2^53)');
export const MerchantTotalsSchema = z.object({
  paid: minorSum,
  refunded: minorSum,
  toShip: minorSum,
  count: z.number().int(),
  currency: currency.nullable(),
});
export type MerchantTotalsProof = Proof<Same<z.output<typeof MerchantTotalsSchema>, MerchantTotals>>;

export const LinkViewSchema = z.object({
  id: uuid,
  merchant: uuid,
  link: z.string().nullable().describe('the URL for the consumer: only when the link is created (null when listed or shown)'),
  paymentReference: z.string(),
  consumerReference: z.string(),
  amount: minor,
  currency,
  mode: z.enum(['pay_now', 'multi_pay', 'pay_later']),
  state: z.enum(['open', 'paid', 'expired']),
  transaction: uuid.nullable(),
  expiresAt: isoTime,
  createdAt: isoTime,
  schedule: z
    .array(
      z.object({
        seq: z.number().int(),
        amount: minor,
        dueAt: isoTime,
        status: z.enum(['paid', 'scheduled', 'failed']),
        transaction: uuid.nullable(),
      }),
    )
    .optional(),
  notifications: z
    .array(z.object({ channel: z.enum(['email', 'sms']), to: z.string(), sent: z.boolean(), error: z.string().optional() }))
    .optional(),
});
export type LinkViewProof = Proof<Same<z.output<typeof LinkViewSchema>, LinkView>>;

export const LinkPageSchema = page(LinkViewSchema);
export type LinkPageProof = Proof<Same<z.output<typeof LinkPageSchema>, Page<LinkView>>>;

export const EventViewSchema = z.object({
  id: uuid,
  type: z.string(),
  status: z.enum(['pending', 'failed', 'delivered', 'dead']),
  merchant: uuid,
  transaction: uuid.nullable(),
  url: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: isoTime.nullable(),
  deliveredAt: isoTime.nullable(),
  resentAt: isoTime.nullable(),
  createdAt: isoTime,
});
export type EventViewProof = Proof<Same<z.output<typeof EventViewSchema>, EventView>>;

export const EventPageSchema = page(EventViewSchema);
export type EventPageProof = Proof<Same<z.output<typeof EventPageSchema>, Page<EventView>>>;

const EventAttemptSchema = z.object({
  kind: z.enum(['delivery', 'resend']),
  at: isoTime,
  url: z.string().nullable(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
});

export const EventDetailSchema = EventViewSchema.extend({
  contentType: z.string(),
  payload: z.unknown().describe('the message as sent, card numbers and signatures masked'),
  history: z.array(EventAttemptSchema),
});
export type EventDetailProof = Proof<Same<z.output<typeof EventDetailSchema>, EventDetail>>;

export const EventFeedSchema = z.object({
  items: z.array(
    z.object({ kind: z.enum(['event', 'attempt']), at: isoTime, event: EventViewSchema, attempt: EventAttemptSchema.optional() }),
  ),
  cursor: z.string().describe('pass back as after to get what happened since'),
});
export type EventFeedProof = Proof<Same<z.output<typeof EventFeedSchema>, EventFeed>>;

const databaseMode = z.enum(['test', 'live']);
export const ClockViewSchema = z.object({
  now: isoTime,
  wallTime: isoTime,
  offsetMs: z.number(),
  offset: z.string(),
  mode: databaseMode,
  previous: isoTime.optional(),
  warning: z.string().optional(),
});
export type ClockViewProof = Proof<Same<z.output<typeof ClockViewSchema>, ClockView>>;

export const DatabaseModeViewSchema = z.object({ mode: databaseMode, previous: databaseMode.optional(), warning: z.string().optional() });
export type DatabaseModeViewProof = Proof<Same<z.output<typeof DatabaseModeViewSchema>, DatabaseModeView>>;
