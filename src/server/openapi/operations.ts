import type { z } from 'zod';
import { linkRequestSchema } from '../../engine/local/links/schema.js';
import { adminHttpStatusOf, v2HttpStatusOf, WIRE_ERROR_KINDS } from '../../domain/errors.js';
import { MAX_FORM_ATTEMPTS } from '../v4/payform.js';
import type { V4WebServiceName } from '../v4/handlers.js';
import * as v4Requests from '../v4/schemas.js';
import * as admin from '../wire/admin-requests.js';
import { ErrorAnswer } from '../wire/errors.js';
import { HealthAnswer } from '../wire/health.js';
import { LinkPaymentAnswer, PayFormFields, PayPageForm, PayPageQuery } from '../wire/links.js';
import * as views from '../wire/views.js';
import { V4_ERROR_ENVELOPE, V4_SUCCESS } from './components.js';

/**
 * What the document says of each operation of the route table, keyed "METHOD /path/:param".
 * Schemas are the code's own zod schemas (components.ts names them). document.ts refuses a route
 * without an entry here, and an entry without a route.
 */
export type Security = 'public' | 'v2' | 'operator' | 'v4' | 'merchant';

export interface Answer {
  description: string;
  /** A JSON answer of this schema (of exactly one of these). */
  json?: z.ZodType | z.ZodType[];
  /** An HTML page (the consumer's pages), or Prometheus text. */
  media?: 'text/html' | 'text/plain';
  /** Shared by many operations: one #/components/responses/<name> they refer to. */
  name?: string;
}

export interface OperationDoc {
  tag: string;
  summary: string;
  description?: string;
  security: Security;
  /** Each field of the object is one query parameter. */
  query?: z.ZodObject;
  idempotencyKey?: boolean;
  body?: { schema: z.ZodType; media?: 'application/json' | 'application/x-www-form-urlencoded'; required?: boolean };
  answers: Record<number, Answer>;
}

/** The 405 of a path: another method than those it has (Allow lists them). */
const notAllowed = (methods: string): Answer => ({ description: `a method other than ${methods}`, json: ErrorAnswer });

const errorsOf = (api: string, statusOf: (kind: (typeof WIRE_ERROR_KINDS)[number]) => number, why: string): Record<number, Answer> => {
  const out: Record<number, Answer> = {};
  for (const kind of WIRE_ERROR_KINDS) {
    const status = statusOf(kind);
    const seen = out[status];
    out[status] = {
      description: seen ? `${seen.description}, ${kind}` : `${why}: kind ${kind}`,
      json: ErrorAnswer,
      name: `${api}Error${status}`,
    };
  }
  return out;
};

/** The operator API's statuses, from adminHttpStatusOf for every kind of error. */
const ADMIN_ERRORS: Record<number, Answer> = {
  ...errorsOf('Operator', adminHttpStatusOf, 'an error'),
  401: { description: 'no operator token, or a wrong one (WWW-Authenticate: Bearer)', json: ErrorAnswer, name: 'OperatorError401' },
  405: { description: 'another method (Allow lists the right ones)', json: ErrorAnswer, name: 'OperatorError405' },
};
/** The v2 statuses (seed 000: 400 a parameter, 403 the caller, 500 the service side), from v2HttpStatusOf. */
const V2_ERRORS: Record<number, Answer> = {
  ...errorsOf('V2', v2HttpStatusOf, 'refused'),
  405: { ...notAllowed('GET or POST'), name: 'V2Error405' },
};

const adminOp = (
  summary: string,
  status: 200 | 201,
  json: z.ZodType,
  extra: Partial<Omit<OperationDoc, 'answers'>> = {},
): OperationDoc => ({
  tag: 'operator',
  summary,
  security: 'operator',
  ...extra,
  answers: { [status]: { description: summary, json }, ...ADMIN_ERRORS },
});
const body = (schema: z.ZodType, required = true): OperationDoc['body'] => ({ schema, required });

function healthOp(summary: string, description: string): OperationDoc {
  return {
    tag: 'health',
    summary,
    description,
    security: 'public',
    answers: {
      200: { description: 'ok', json: HealthAnswer },
      503: { description: 'stopping, or the database does not take a write within 2 s (reason says why)', json: HealthAnswer },
      405: notAllowed('GET or HEAD'),
    },
  };
}

const v2Pay: OperationDoc = {
  tag: 'v2',
  summary: 'Pay (seed 000)',
  description:
    "Debits the card and confirms the payment to the merchant's return URL, which must answer 200: otherwise the payment is cancelled (500). The call must come from the merchant's registered IP (403). A declined card is 400 with the transaction recorded.",
  security: 'v2',
  answers: { 200: { description: 'paid', json: views.TransactionViewSchema }, ...V2_ERRORS },
};
const v2Refund = (partial: boolean): OperationDoc => ({
  tag: 'v2',
  summary: partial ? 'Refund part of a payment (seed 000)' : 'Refund what remains of a payment (seed 000)',
  description:
    'An Idempotency-Key makes a retry safe: the same key answers the first refund again (replayed: true) and refunds nothing more.',
  security: 'v2',
  idempotencyKey: true,
  answers: { 200: { description: 'refunded', json: views.RefundOutcomeSchema }, ...V2_ERRORS },
});

const V4_ANSWERS = {
  401: 'no Basic credentials, or wrong ones (ESI_401)',
  403: 'the merchant is disabled (ESI_403)',
  405: 'a method other than POST (ESI_405)',
  413: 'the body is too large (ESI_413)',
  500: 'a bug, logged under the ticket the answer names (ESI_500)',
} as const;

const V4_SERVICES: Record<V4WebServiceName, { summary: string; request?: z.ZodType; success?: z.ZodType }> = {
  'Charge/SDKTest': {
    summary: 'Answers the value sent: tests credentials and setup',
    request: v4Requests.SdkTestRequest,
    success: V4_SUCCESS.SDKTest,
  },
  'Charge/CreatePayment': {
    summary:
      'An immediate payment, or the initial transaction of payment at shipment (useCase SHIPMENT_MULTIPLE_AUTHORISATION); without a card, a formToken for the hosted page',
    request: v4Requests.CreatePaymentRequest,
    success: V4_SUCCESS.CreatePayment,
  },
  'Charge/CreateShipmentTransaction': {
    summary: 'A debit of what was shipped, against the initial transaction',
    request: v4Requests.CreateShipmentRequest,
    success: V4_SUCCESS.Transaction,
  },
  'Charge/CreateToken': { summary: 'Refused: esipay registers no card for later payments (PSP_035)' },
  'Transaction/Get': { summary: 'A transaction, or a refund', request: v4Requests.TransactionGetRequest, success: V4_SUCCESS.Transaction },
  'Order/Get': { summary: 'Every transaction of one order', request: v4Requests.OrderGetRequest, success: V4_SUCCESS.Order },
  'Transaction/Refund': {
    summary: 'Refunds a paid transaction in full or in part',
    request: v4Requests.RefundRequest,
    success: V4_SUCCESS.Transaction,
  },
  'Transaction/CancelOrRefund': { summary: 'As Transaction/Refund', request: v4Requests.RefundRequest, success: V4_SUCCESS.Transaction },
};

function v4Op(name: V4WebServiceName): OperationDoc {
  const s = V4_SERVICES[name];
  const errors: Record<number, Answer> = {};
  for (const [status, description] of Object.entries(V4_ANSWERS)) {
    errors[Number(status)] = { description, json: V4_ERROR_ENVELOPE, name: `V4Error${status}` };
  }
  return {
    tag: 'v4',
    summary: s.summary,
    description:
      'As the V4 platform: the outcome is in the envelope (status SUCCESS or ERROR with errorCode); HTTP 200 whenever the web service ran. docs/v4-api.md.',
    security: 'v4',
    idempotencyKey: name !== 'Charge/SDKTest' && name !== 'Transaction/Get' && name !== 'Order/Get' && name !== 'Charge/CreateToken',
    ...(s.request ? { body: { schema: s.request, required: false } } : {}),
    answers: {
      200: s.success
        ? {
            description: 'the envelope: SUCCESS with the answer, or ERROR with a V4/WebService/WebServiceError',
            json: [s.success, V4_ERROR_ENVELOPE],
          }
        : { description: 'an ERROR envelope', json: V4_ERROR_ENVELOPE },
      ...errors,
    },
  };
}

const payPageAnswers = (statuses: Record<number, string>): Record<number, Answer> =>
  Object.fromEntries(Object.entries(statuses).map(([s, description]) => [s, { description, media: 'text/html' as const }]));

export function operations(v4Names: readonly V4WebServiceName[]): Record<string, OperationDoc> {
  const page = { query: admin.PageQuery };
  const byMerchant = { query: admin.MerchantQuery };
  return {
    'GET /healthz': healthOp('Health', 'As /readyz (kept for load balancers that probe /healthz).'),
    'GET /readyz': healthOp('Readiness', '200 when the database takes a small write within 2 s; 503 once shutdown began.'),
    'GET /livez': healthOp('Liveness', '200 while the process runs and answers (status stopping during shutdown).'),
    'GET /metrics': {
      tag: 'meta',
      summary: 'Prometheus metrics',
      description: 'Requests, payments, refunds, failures (docs/service.md). Answered only when the service counts them.',
      security: 'operator',
      answers: {
        200: { description: 'the Prometheus text format', media: 'text/plain' },
        401: { description: 'no operator token, or a wrong one', json: ErrorAnswer },
        405: notAllowed('GET or HEAD'),
      },
    },
    'GET /openapi.json': {
      tag: 'meta',
      summary: 'This document',
      security: 'public',
      answers: {
        200: { description: 'the OpenAPI 3.1 document of the service' },
        405: notAllowed('GET or HEAD'),
      },
    },
    'GET /cardpay/:uuid/:cid/:cardnumber/:cardmonth/:cardyear/:amount': v2Pay,
    'POST /cardpay/:uuid/:cid/:cardnumber/:cardmonth/:cardyear/:amount': v2Pay,
    'GET /cardpay/:uuid/:transaction': v2Refund(false),
    'POST /cardpay/:uuid/:transaction': v2Refund(false),
    'GET /cardpay/:uuid/:transaction/:amount': v2Refund(true),
    'POST /cardpay/:uuid/:transaction/:amount': v2Refund(true),

    'GET /admin/merchants': adminOp('List merchants, newest first', 200, views.MerchantPageSchema, page),
    'POST /admin/merchants': adminOp('Register a merchant (its secret is shown once)', 201, views.MerchantWithSecretSchema, {
      body: body(admin.RegisterMerchantBody),
    }),
    'GET /admin/merchants/:merchant': adminOp('Show a merchant', 200, views.MerchantViewSchema),
    'PATCH /admin/merchants/:merchant': adminOp('Change a merchant (the fields given)', 200, views.MerchantViewSchema, {
      body: body(admin.UpdateMerchantBody),
    }),
    'POST /admin/merchants/:merchant/rotate-secret': adminOp(
      'A new secret (the previous one keeps verifying unless expirePrevious)',
      200,
      views.MerchantWithSecretSchema,
      {
        body: body(admin.RotateSecretBody, false),
      },
    ),
    'POST /admin/merchants/:merchant/disable': adminOp('Disable a merchant: its requests are refused', 200, views.MerchantViewSchema),
    'POST /admin/merchants/:merchant/enable': adminOp('Enable a merchant again', 200, views.MerchantViewSchema),
    'GET /admin/merchants/:merchant/transactions': adminOp(
      "List a merchant's transactions, newest first",
      200,
      views.TransactionPageSchema,
      {
        query: admin.TransactionListQuery,
      },
    ),
    'GET /admin/merchants/:merchant/transactions/:transaction': adminOp(
      'Show a transaction of a merchant',
      200,
      views.TransactionDetailSchema,
    ),
    'GET /admin/merchants/:merchant/totals': adminOp("A merchant's totals", 200, views.MerchantTotalsSchema),
    'GET /admin/merchants/:merchant/links': adminOp("List a merchant's payment links", 200, views.LinkPageSchema, page),
    'GET /admin/transactions/:transaction': adminOp('Show a transaction', 200, views.TransactionDetailSchema, byMerchant),
    'POST /admin/transactions/:transaction/refunds': adminOp('Refund a transaction in full or in part', 201, views.RefundOutcomeSchema, {
      body: body(admin.AdminRefundBody, false),
      idempotencyKey: true,
    }),
    'POST /admin/initials': adminOp('An initial multi-authorisation (payment at shipment)', 201, views.TransactionViewSchema, {
      body: body(admin.CreateInitialBody),
      idempotencyKey: true,
    }),
    'POST /admin/shipments': adminOp('A shipment debit against an initial transaction', 201, views.TransactionViewSchema, {
      body: body(admin.CreateShipmentBody),
      idempotencyKey: true,
    }),
    'POST /admin/links': adminOp('Create a payment link', 201, views.LinkViewSchema, { body: body(admin.CreateLinkBody) }),
    'GET /admin/links/:link': adminOp('Show a payment link', 200, views.LinkViewSchema, byMerchant),
    'GET /admin/clock': adminOp("The database's clock (docs/clock.md)", 200, views.ClockViewSchema),
    'POST /admin/clock/advance': adminOp('Move a test clock forward', 200, views.ClockViewSchema, { body: body(admin.ClockAdvanceBody) }),
    'POST /admin/clock/set': adminOp('Set a test clock', 200, views.ClockViewSchema, { body: body(admin.ClockSetBody) }),
    'POST /admin/clock/reset': adminOp('Back to real time', 200, views.ClockViewSchema, { body: body(admin.ClockResetBody, false) }),
    'GET /admin/mode': adminOp("The database's mode (test or live)", 200, views.DatabaseModeViewSchema),
    'POST /admin/mode': adminOp("Change the database's mode", 200, views.DatabaseModeViewSchema, { body: body(admin.SetModeBody) }),
    'GET /admin/events': adminOp('List events (messages to merchants), newest first', 200, views.EventPageSchema, {
      query: admin.EventListQuery,
    }),
    'GET /admin/events/feed': adminOp('What happened since a cursor (events tail)', 200, views.EventFeedSchema, {
      query: admin.EventFeedQuery,
    }),
    'GET /admin/events/:event': adminOp('Show an event with its attempts', 200, views.EventDetailSchema, byMerchant),
    'POST /admin/events/:event/resend': adminOp('Queue an event again, due now', 200, views.EventViewSchema, byMerchant),

    ...Object.fromEntries(v4Names.map((name) => [`POST /api-payment/V4/${name}`, v4Op(name)])),

    'GET /payform/:token': {
      tag: 'pages',
      summary: 'The hosted payment page of a V4 formToken',
      security: 'public',
      answers: payPageAnswers({
        200: 'the form (or that the payment went through)',
        404: 'no such page',
        409: `another attempt is in progress, or the card was refused ${MAX_FORM_ATTEMPTS} times`,
        410: 'the page expired',
      }),
    },
    'POST /payform/:token': {
      tag: 'pages',
      summary: 'Pay on the hosted payment page',
      security: 'public',
      body: { schema: PayFormFields, media: 'application/x-www-form-urlencoded' },
      answers: payPageAnswers({
        200: 'paid, or the form again saying the card was refused',
        404: 'no such page',
        409: 'another attempt is in progress, or too many attempts',
        410: 'the page expired',
        413: 'the form is too large',
        422: 'the card or the request is invalid',
        503: 'the payment could not be processed now',
      }),
    },
    'POST /get_link_payment': {
      tag: 'links',
      summary: 'Create a payment link (seed 002)',
      description:
        "Always HTTP 200 (result says which), but for a disabled merchant's own credentials (403, AUTH_005). The call must come from the merchant's registered IP (AUTH_003).",
      security: 'merchant',
      body: body(linkRequestSchema),
      answers: {
        200: { description: 'result true with the link, or false with the code of the first problem', json: LinkPaymentAnswer },
        403: { description: 'the merchant is disabled (AUTH_005)', json: LinkPaymentAnswer },
        405: notAllowed('POST'),
      },
    },
    'GET /paypage': {
      tag: 'pages',
      summary: "The consumer's payment page of a link",
      security: 'public',
      query: PayPageQuery,
      answers: payPageAnswers({ 200: 'the form, or that the link is paid', 404: 'no such link', 410: 'the link expired' }),
    },
    'POST /paypage': {
      tag: 'pages',
      summary: 'Pay a link with the card typed in',
      security: 'public',
      query: PayPageQuery,
      body: { schema: PayPageForm, media: 'application/x-www-form-urlencoded' },
      answers: payPageAnswers({
        200: 'the receipt, or that the link is paid',
        400: 'the form again, saying what is wrong',
        402: 'the card was declined (the form again)',
        404: 'no such link',
        409: 'the link is being paid, or was paid meanwhile',
        410: 'the link expired',
        413: 'the form is too large',
        503: 'the payment could not be processed now',
      }),
    },
  };
}
