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
/** An amount or count the platform takes as an integer; some integrations send it as a string. */
const looseNumber = z.union([z.number(), z.string().max(32)]).nullish();

/** The platform's address fields, shared by billingDetails and shippingDetails. */
const addressFields = {
  category: nullableText(32),
  firstName: nullableText(128),
  lastName: nullableText(128),
  phoneNumber: nullableText(32),
  streetNumber: nullableText(64),
  address: nullableText(255),
  address2: nullableText(255),
  district: nullableText(128),
  zipCode: nullableText(64),
  city: nullableText(128),
  state: nullableText(128),
  country: nullableText(8),
  identityCode: nullableText(64),
  legalName: nullableText(128),
};

export const BillingDetails = z.object({
  ...addressFields,
  title: nullableText(64),
  language: nullableText(8),
  cellPhoneNumber: nullableText(32),
  identityType: nullableText(32),
});

export const ShippingDetails = z.object({
  ...addressFields,
  deliveryCompanyName: nullableText(128),
  shippingMethod: nullableText(64),
  shippingSpeed: nullableText(64),
});

export const CartItem = z.object({
  productLabel: nullableText(255),
  productType: nullableText(64),
  productRef: z.union([text(64), z.number()]).nullish(),
  productQty: looseNumber,
  productAmount: looseNumber,
  productVat: looseNumber,
});

export const ShoppingCart = z.object({
  insuranceAmount: looseNumber,
  shippingAmount: looseNumber,
  taxAmount: looseNumber,
  cartItemInfo: z.array(CartItem).max(100).nullish(),
});

export const Customer = z.object({
  email: nullableText(254),
  reference: nullableText(80),
  billingDetails: BillingDetails.nullish(),
  shippingDetails: ShippingDetails.nullish(),
  shoppingCart: ShoppingCart.nullish(),
  /** The buyer's address as the merchant saw it: the answers show it as extraDetails.ipAddress. */
  ipAddress: nullableText(64),
});
export type CustomerRequest = z.infer<typeof Customer>;

/** At most this many metadata entries, and this many bytes of them as JSON: they are kept with the payment. */
export const METADATA_MAX_KEYS = 100;
export const METADATA_MAX_BYTES = 4096;

/**
 * The merchant's own key-value pairs, echoed in every answer and IPN of the payment (values are
 * kept as strings, as the platform shows them).
 */
export const Metadata = z
  .record(text(255), z.union([z.string(), z.number(), z.boolean()]))
  .refine((m) => Object.keys(m).length <= METADATA_MAX_KEYS, `metadata may hold at most ${METADATA_MAX_KEYS} keys`)
  .refine(
    (m) => Buffer.byteLength(JSON.stringify(m)) <= METADATA_MAX_BYTES,
    `metadata may take at most ${METADATA_MAX_BYTES} bytes as JSON`,
  );

/** Where the IPN of this payment goes instead of the merchant's registered notification URL. */
const IpnTargetUrl = z
  .string()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'ipnTargetUrl must be an http(s) URL')
  .nullish();

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
  /** Absent: an immediate payment; SHIPMENT_MULTIPLE_AUTHORISATION: payment at shipment (seed 001). */
  useCase: nullableText(64),
  strongAuthentication: z.unknown().optional(),
  metadata: Metadata.nullish(),
  ipnTargetUrl: IpnTargetUrl,
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

/** Charge/SDKTest: the platform answers the value it was sent (a string), to test a client's setup. */
export const SdkTestRequest = z.object({
  value: z.string().max(4096).nullish(),
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
