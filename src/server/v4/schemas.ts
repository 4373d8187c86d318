import { z } from 'zod';

/**
 * One schema per request body of the V4 API. Unknown fields are ignored (stripped): the platform
 * the API imitates has many optional fields esipay does not implement, and a merchant's client
 * sending them must keep working. A known field of the wrong type is INT_902, except the fields
 * the seed gives their own code (amount INT_009, currency INT_010, strongAuthentication INT_050),
 * which are left unknown here and checked by the use case, so the code names the field.
 */
const text = (max: number) => z.string().max(max);
const nullableText = (max: number) => text(max).nullish();
const cardField = z.union([z.string().max(4), z.number().int().nonnegative()]);

export const Customer = z.object({
  email: nullableText(254),
  reference: nullableText(80),
});

export const CardPaymentForm = z.object({
  paymentMethodType: z.literal('CARD'),
  pan: z.string().max(32),
  expiryMonth: cardField,
  expiryYear: cardField,
  securityCode: z.string().max(4).nullish(),
});

export const CreatePaymentRequest = z.object({
  amount: z.unknown().optional(),
  currency: z.unknown().optional(),
  orderId: nullableText(200),
  customer: Customer.nullish(),
  useCase: nullableText(64),
  strongAuthentication: z.unknown().optional(),
  /** A PCI-DSS merchant sends the card; without it, the answer is a formToken for the hosted page. */
  paymentForms: z.array(CardPaymentForm).max(1).nullish(),
  /** esipay's addition (the Idempotency-Key header does the same): a retry creates nothing twice. */
  idempotencyKey: nullableText(200),
});
export type CreatePaymentRequest = z.infer<typeof CreatePaymentRequest>;

export const CreateShipmentRequest = z.object({
  uuid: z.string({ error: 'uuid (the initial transaction) is required' }).max(64),
  amount: z.unknown().optional(),
  currency: z.unknown().optional(),
  customer: Customer.nullish(),
  idempotencyKey: nullableText(200),
});
export type CreateShipmentRequest = z.infer<typeof CreateShipmentRequest>;

export const TransactionGetRequest = z.object({
  uuid: z.string({ error: 'uuid is required' }).max(64),
});

export const OrderGetRequest = z.object({
  orderId: z.string({ error: 'orderId is required' }).max(200),
});

export const RefundRequest = z.object({
  uuid: z.string({ error: 'uuid is required' }).max(64),
  /** Absent: all that remains. */
  amount: z.unknown().optional(),
  currency: z.unknown().optional(),
  comment: nullableText(255),
  resolutionMode: z.enum(['AUTO', 'REFUND_ONLY', 'CANCELLATION_ONLY']).nullish(),
  idempotencyKey: nullableText(200),
});

/** The values the platform accepts for strongAuthentication; anything else is INT_050. */
export const STRONG_AUTHENTICATION = ['ENABLED', 'DISABLED', 'CHALLENGE_REQUESTED', 'CHALLENGE_MANDATE', 'NO_PREFERENCE', 'AUTO'] as const;

export const SHIPMENT_USE_CASE = 'SHIPMENT_MULTIPLE_AUTHORISATION';

/** The first problem of a failed parse, for detailedErrorMessage: "customer.email: expected string". */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'the body does not validate';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
