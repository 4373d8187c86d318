import { z } from 'zod';
import { linkRequestSchema } from '../../engine/local/links/schema.js';
import * as v4Answers from '../v4/answer-schemas.js';
import * as v4Requests from '../v4/schemas.js';
import * as admin from '../wire/admin-requests.js';
import { ErrorAnswer } from '../wire/errors.js';
import { HealthAnswer } from '../wire/health.js';
import { LinkPaymentAnswer, PayFormFields, PayPageForm } from '../wire/links.js';
import * as views from '../wire/views.js';

/**
 * The named schemas of the document (#/components/schemas/<name>), each the zod schema the code
 * uses: request bodies as the service takes them (zod's input side), answers as it writes them
 * (the output side). A schema used inside another named one becomes a $ref to it.
 */
export const V4_ENVELOPE = v4Answers.WebServiceResponse;

/** The V4 envelope of each answer: SUCCESS with the web service's answer object, or ERROR. */
const v4Envelope = (answer: z.ZodType) => V4_ENVELOPE.extend({ status: z.literal('SUCCESS'), answer });
export const V4_ERROR_ENVELOPE = V4_ENVELOPE.extend({ status: z.literal('ERROR'), answer: v4Answers.WebServiceError });
export const V4_SUCCESS = {
  SDKTest: v4Envelope(v4Answers.TypeString),
  CreatePayment: v4Envelope(z.union([v4Answers.Payment, v4Answers.PaymentForm])),
  Transaction: v4Envelope(v4Answers.Transaction),
  Order: v4Envelope(v4Answers.OrderTransactions),
};

export const OUTPUT_SCHEMAS: Record<string, z.ZodType> = {
  ErrorAnswer,
  HealthAnswer,
  TransactionView: views.TransactionViewSchema,
  TransactionDetail: views.TransactionDetailSchema,
  TransactionPage: views.TransactionPageSchema,
  RefundView: views.RefundViewSchema,
  RefundOutcome: views.RefundOutcomeSchema,
  MaskedCard: views.MaskedCardSchema,
  MerchantView: views.MerchantViewSchema,
  MerchantWithSecret: views.MerchantWithSecretSchema,
  MerchantPage: views.MerchantPageSchema,
  MerchantTotals: views.MerchantTotalsSchema,
  LinkView: views.LinkViewSchema,
  LinkPage: views.LinkPageSchema,
  EventView: views.EventViewSchema,
  EventPage: views.EventPageSchema,
  EventDetail: views.EventDetailSchema,
  EventFeed: views.EventFeedSchema,
  ClockView: views.ClockViewSchema,
  DatabaseModeView: views.DatabaseModeViewSchema,
  LinkPaymentAnswer,
  V4Response: V4_ENVELOPE,
  V4ErrorResponse: V4_ERROR_ENVELOPE,
  V4SDKTestResponse: V4_SUCCESS.SDKTest,
  V4CreatePaymentResponse: V4_SUCCESS.CreatePayment,
  V4TransactionResponse: V4_SUCCESS.Transaction,
  V4OrderResponse: V4_SUCCESS.Order,
  V4WebServiceError: v4Answers.WebServiceError,
  V4Payment: v4Answers.Payment,
  V4PaymentForm: v4Answers.PaymentForm,
  V4Transaction: v4Answers.Transaction,
  V4PaymentTransaction: v4Answers.PaymentTransaction,
  V4OrderTransactions: v4Answers.OrderTransactions,
  V4TypeString: v4Answers.TypeString,
  V4OrderDetails: v4Answers.OrderDetails,
  V4Customer: v4Answers.Customer,
  V4TransactionDetails: v4Answers.TransactionDetails,
};

export const INPUT_SCHEMAS: Record<string, z.ZodType> = {
  RegisterMerchantBody: admin.RegisterMerchantBody,
  UpdateMerchantBody: admin.UpdateMerchantBody,
  RotateSecretBody: admin.RotateSecretBody,
  AdminRefundBody: admin.AdminRefundBody,
  CreateInitialBody: admin.CreateInitialBody,
  CreateShipmentBody: admin.CreateShipmentBody,
  CreateLinkBody: admin.CreateLinkBody,
  ClockAdvanceBody: admin.ClockAdvanceBody,
  ClockSetBody: admin.ClockSetBody,
  ClockResetBody: admin.ClockResetBody,
  SetModeBody: admin.SetModeBody,
  LinkPaymentRequest: linkRequestSchema,
  PayPageForm,
  PayFormFields,
  V4SdkTestRequest: v4Requests.SdkTestRequest,
  V4CreatePaymentRequest: v4Requests.CreatePaymentRequest,
  V4CreateShipmentRequest: v4Requests.CreateShipmentRequest,
  V4TransactionGetRequest: v4Requests.TransactionGetRequest,
  V4OrderGetRequest: v4Requests.OrderGetRequest,
  V4RefundRequest: v4Requests.RefundRequest,
  V4Customer: v4Requests.Customer,
};

type JsonSchema = Record<string, unknown>;

/** Every named schema as JSON Schema 2020-12, and the name of each zod schema for $refs. */
export function componentSchemas(): { schemas: Record<string, JsonSchema>; nameOf: Map<z.ZodType, string> } {
  const nameOf = new Map<z.ZodType, string>();
  const schemas: Record<string, JsonSchema> = {};
  for (const [io, named] of [
    ['output', OUTPUT_SCHEMAS],
    ['input', INPUT_SCHEMAS],
  ] as const) {
    const registry = z.registry<{ id: string }>();
    for (const [name, schema] of Object.entries(named)) {
      // V4Customer names the request's customer on the input side: the answer's is another object.
      const id = io === 'input' && name in OUTPUT_SCHEMAS ? `${name}Request` : name;
      registry.add(schema, { id });
      nameOf.set(schema, id);
    }
    const { schemas: converted } = z.toJSONSchema(registry, {
      target: 'draft-2020-12',
      io,
      // Refinements (a metadata size, a URL scheme) stay the code's: JSON Schema gets the shape.
      unrepresentable: 'any',
      uri: (id) => `#/components/schemas/${id}`,
    });
    for (const [id, s] of Object.entries(converted)) {
      const { $schema: _dialect, $id: _id, ...rest } = s as JsonSchema;
      schemas[id] = rest;
    }
  }
  return { schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))), nameOf };
}
