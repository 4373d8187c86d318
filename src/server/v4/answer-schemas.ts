import { z } from 'zod';

/**
 * The V4 platform's answer objects as its public reference shows them (the playground's answer
 * pages and the documented kr-answer, Transaction/Get and Order/Get examples), one schema per
 * object. Every field of the reference is required to be there with the platform's type, null
 * where the reference allows it: an integration reads them without checking they exist, so a
 * missing one is a crash (KeyError in Python, undefined in JavaScript). Fields esipay adds (a
 * shipment's progress, a refunded amount) are allowed beside them: clients ignore what they do
 * not know. The tests parse esipay's answers with these; esipay's code does not use them.
 */

const date = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/, 'a date as the platform writes it: 2030-01-10T10:00:00+00:00');
const nullableString = z.string().nullable();
const amount = z.number().int();
const typed = <T extends string>(type: T) => z.literal(type);

export const OrderDetails = z.looseObject({
  orderTotalAmount: amount,
  orderEffectiveAmount: amount,
  orderCurrency: z.string().length(3),
  mode: z.enum(['TEST', 'PRODUCTION']),
  orderId: nullableString,
  metadata: z.record(z.string(), z.string()).nullable(),
  _type: typed('V4/OrderDetails'),
});

export const BillingDetails = z.looseObject({
  address: nullableString,
  category: nullableString,
  cellPhoneNumber: nullableString,
  city: nullableString,
  country: nullableString,
  district: nullableString,
  firstName: nullableString,
  identityCode: nullableString,
  language: nullableString,
  lastName: nullableString,
  phoneNumber: nullableString,
  state: nullableString,
  streetNumber: nullableString,
  title: nullableString,
  zipCode: nullableString,
  legalName: nullableString,
  _type: typed('V4/Customer/BillingDetails'),
});

export const ShippingDetails = z.looseObject({
  address: nullableString,
  address2: nullableString,
  category: nullableString,
  city: nullableString,
  country: nullableString,
  deliveryCompanyName: nullableString,
  district: nullableString,
  firstName: nullableString,
  identityCode: nullableString,
  lastName: nullableString,
  legalName: nullableString,
  phoneNumber: nullableString,
  shippingMethod: nullableString,
  shippingSpeed: nullableString,
  state: nullableString,
  streetNumber: nullableString,
  zipCode: nullableString,
  _type: typed('V4/Customer/ShippingDetails'),
});

export const ExtraDetails = z.looseObject({
  browserAccept: nullableString,
  fingerPrintId: nullableString,
  ipAddress: nullableString,
  browserUserAgent: nullableString,
  _type: typed('V4/Customer/ExtraDetails'),
});

const cartAmount = z.union([z.number(), z.string()]).nullable();
export const ShoppingCart = z.looseObject({
  insuranceAmount: cartAmount,
  shippingAmount: cartAmount,
  taxAmount: cartAmount,
  cartItemInfo: z
    .array(
      z.looseObject({
        productLabel: nullableString.optional(),
        productType: nullableString.optional(),
        productRef: z.union([z.string(), z.number()]).nullable().optional(),
        productQty: cartAmount.optional(),
        productAmount: cartAmount.optional(),
      }),
    )
    .nullable(),
  _type: typed('V4/Customer/ShoppingCart'),
});

export const Customer = z.looseObject({
  billingDetails: BillingDetails,
  email: nullableString,
  reference: nullableString,
  shippingDetails: ShippingDetails,
  extraDetails: ExtraDetails,
  shoppingCart: ShoppingCart,
  _type: typed('V4/Customer/Customer'),
});

export const CardAuthorizationResponse = z.looseObject({
  amount: amount.nullable(),
  currency: nullableString,
  authorizationDate: date.nullable(),
  authorizationNumber: nullableString,
  authorizationResult: nullableString,
  authorizationMode: nullableString,
  _type: typed('V4/PaymentMethod/Details/Cards/CardAuthorizationResponse'),
});

export const CardCaptureResponse = z.looseObject({
  refundAmount: amount.nullable(),
  refundCurrency: nullableString,
  captureDate: date.nullable(),
  captureFileNumber: z.union([z.string(), z.number()]).nullable(),
  effectiveRefundAmount: amount.nullable(),
  effectiveRefundCurrency: nullableString,
  _type: typed('V4/PaymentMethod/Details/Cards/CardCaptureResponse'),
});

export const MarkAuthorizationResponse = z.looseObject({
  amount: amount.nullable(),
  currency: nullableString,
  authorizationDate: date.nullable(),
  authorizationNumber: nullableString,
  authorizationResult: nullableString,
  _type: typed('V4/PaymentMethod/Details/Cards/MarkAuthorizationResponse'),
});

export const ThreeDSResponse = z.looseObject({
  authenticationResultData: z.looseObject({
    transactionCondition: nullableString,
    enrolled: nullableString,
    status: nullableString,
    eci: nullableString,
    xid: nullableString,
    cavvAlgorithm: nullableString,
    cavv: nullableString,
    signValid: nullableString,
    brand: nullableString,
    _type: typed('V4/PaymentMethod/Details/Cards/CardAuthenticationResponse'),
  }),
  _type: typed('V4/PaymentMethod/Details/Cards/ThreeDSResponse'),
});

/** What cardDetails and paymentMethodDetails share. */
const paymentMethodFields = {
  paymentSource: nullableString,
  manualValidation: z.enum(['YES', 'NO']),
  expectedCaptureDate: date.nullable(),
  effectiveBrand: nullableString,
  expiryMonth: z.number().int().min(1).max(12).nullable(),
  expiryYear: z.number().int().min(2000).nullable(),
  country: nullableString,
  issuerCode: z.union([z.number(), z.string()]).nullable(),
  issuerName: nullableString,
  effectiveProductCode: nullableString,
  legacyTransId: nullableString,
  legacyTransDate: date.nullable(),
  paymentMethodSource: z.enum(['NEW', 'TOKEN', 'TOKEN_AND_NEW', 'OTHER']),
  authorizationResponse: CardAuthorizationResponse,
  captureResponse: CardCaptureResponse,
  authenticationResponse: z.looseObject({}).nullable(),
  installmentNumber: z.number().int().nullable(),
  installmentCode: nullableString,
  markAuthorizationResponse: MarkAuthorizationResponse,
  cardHolderName: nullableString,
  identityDocumentNumber: nullableString,
  identityDocumentType: nullableString,
  initialIssuerTransactionIdentifier: nullableString,
};

/** A masked card number: first 6 and last 4 digits around X, never the number itself. */
const maskedPan = z.string().regex(/^\d{6}X+\d{4}$/);

export const CardDetails = z.looseObject({
  ...paymentMethodFields,
  pan: maskedPan.nullable(),
  threeDSResponse: ThreeDSResponse,
  _type: typed('V4/PaymentMethod/Details/CardDetails'),
});

export const PaymentMethodDetails = z.looseObject({
  ...paymentMethodFields,
  id: maskedPan.nullable(),
  _type: typed('V4/PaymentMethod/Details/PaymentMethodDetails'),
});

export const TransactionDetails = z.looseObject({
  liabilityShift: z.enum(['YES', 'NO']).nullable(),
  effectiveAmount: amount,
  effectiveCurrency: z.string().length(3),
  creationContext: z.enum(['CHARGE', 'REFUND', 'VERIFICATION', 'DUPLICATE', 'RETRY', 'MANUAL', 'SUBSCRIPTION']),
  cardDetails: CardDetails,
  paymentMethodDetails: PaymentMethodDetails,
  acquirerDetails: z.looseObject({}).nullable(),
  fraudManagement: z.looseObject({ _type: typed('V4/PaymentMethod/Details/FraudManagement') }),
  subscriptionDetails: z.looseObject({
    subscriptionId: nullableString,
    _type: typed('V4/PaymentMethod/Details/SubscriptionDetails'),
  }),
  parentTransactionUuid: nullableString,
  mid: nullableString,
  sequenceNumber: z.number().int().nullable(),
  taxAmount: amount.nullable(),
  preTaxAmount: amount.nullable(),
  taxRate: z.number().nullable(),
  externalTransactionId: nullableString,
  nsu: nullableString,
  tid: nullableString,
  acquirerNetwork: nullableString,
  taxRefundAmount: amount.nullable(),
  userInfo: nullableString,
  paymentMethodTokenPreviouslyRegistered: nullableString,
  occurrenceType: nullableString,
  _type: typed('V4/TransactionDetails'),
});

/** The platform's detailedStatus values a card transaction can take. */
const DetailedStatus = z.enum([
  'ACCEPTED',
  'AUTHORISED',
  'AUTHORISED_TO_VALIDATE',
  'CANCELLED',
  'CAPTURED',
  'CAPTURE_FAILED',
  'ERROR',
  'EXPIRED',
  'PARTIALLY_AUTHORISED',
  'PENDING',
  'PRE_AUTHORISED',
  'REFUSED',
  'SUSPENDED',
  'UNDER_VERIFICATION',
  'WAITING_AUTHORISATION',
  'WAITING_AUTHORISATION_TO_VALIDATE',
]);

/** A transaction inside a V4/Payment (the IPN's kr-answer, CreatePayment's answer). */
export const PaymentTransaction = z.looseObject({
  shopId: z.string().regex(/^\d{8}$/),
  uuid: z.string().regex(/^[0-9a-f]{32}$/),
  amount,
  currency: z.string().length(3),
  paymentMethodType: z.string(),
  paymentMethodToken: nullableString,
  status: z.enum(['PAID', 'UNPAID', 'RUNNING', 'PARTIALLY_PAID']),
  detailedStatus: DetailedStatus,
  operationType: z.enum(['DEBIT', 'CREDIT', 'VERIFICATION']),
  effectiveStrongAuthentication: z.enum(['ENABLED', 'DISABLED']),
  creationDate: date,
  errorCode: nullableString,
  errorMessage: nullableString,
  // The acquirer's reason code when refused: digits, as the card networks code it ("51").
  detailedErrorCode: z.string().regex(/^\d+$/).nullable(),
  detailedErrorMessage: nullableString,
  metadata: z.record(z.string(), z.string()).nullable(),
  transactionDetails: TransactionDetails,
  _type: typed('V4/PaymentTransaction'),
});

/** Transaction/Get, a shipment's and a refund's answer, an Order/Get transaction: with its order and customer. */
export const Transaction = PaymentTransaction.extend({
  orderDetails: OrderDetails,
  customer: Customer,
  _type: typed('V4/Transaction'),
});

const orderStatus = z.enum(['PAID', 'UNPAID', 'RUNNING', 'PARTIALLY_PAID']);

/** CreatePayment's answer with a card, and the IPN's kr-answer. */
export const Payment = z.looseObject({
  shopId: z.string().regex(/^\d{8}$/),
  orderCycle: z.enum(['OPEN', 'CLOSED']),
  orderStatus,
  serverDate: date,
  orderDetails: OrderDetails,
  customer: Customer,
  transactions: z.array(PaymentTransaction).min(1),
  subMerchantDetails: z.looseObject({}).nullable(),
  _type: typed('V4/Payment'),
});

/** Order/Get's answer. */
export const OrderTransactions = z.looseObject({
  shopId: z.string().regex(/^\d{8}$/),
  orderCycle: z.enum(['OPEN', 'CLOSED']),
  orderStatus,
  serverDate: date,
  orderDetails: OrderDetails,
  transactions: z.array(Transaction).min(1),
  _type: typed('V4/OrderTransactions'),
});

/** CreatePayment's answer without a card. */
export const PaymentForm = z.looseObject({
  formToken: z.string().min(1),
  _type: typed('V4/Charge/PaymentForm'),
});

/** Charge/SDKTest's answer: the value it was sent. */
export const TypeString = z.looseObject({
  value: nullableString,
  _type: typed('V4/Type/String'),
});

export const WebServiceError = z.looseObject({
  errorCode: z.string().regex(/^[A-Z]+_\d{3}$/),
  errorMessage: z.string().max(127),
  detailedErrorCode: nullableString,
  detailedErrorMessage: nullableString,
  ticket: z.string(),
  shopId: nullableString,
  _type: typed('V4/WebService/WebServiceError'),
});

/** The envelope of every answer, success or error. */
export const WebServiceResponse = z.looseObject({
  webService: z.string(),
  version: z.literal('V4'),
  applicationVersion: z.string(),
  status: z.enum(['SUCCESS', 'ERROR']),
  answer: z.looseObject({ _type: z.string() }),
  ticket: nullableString,
  serverDate: date,
  applicationProvider: z.string(),
  metadata: z.looseObject({}).nullable(),
  mode: z.enum(['TEST', 'PRODUCTION']),
  serverUrl: z.string().url(),
  _type: typed('V4/WebService/Response'),
});
