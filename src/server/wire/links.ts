import { z } from 'zod';
import { LinkViewSchema } from './views.js';

/**
 * What POST /get_link_payment answers (seed 002): always HTTP 200 but for a disabled merchant
 * (403), `result` saying which (src/server/links/get-link-payment.ts types its answers with it).
 */
export const LinkPaymentCreated = z.object({
  result: z.literal(true),
  link: z.string().describe('<public URL>/paypage?SDESSID=<token>, to hand to the consumer'),
  pay_id: z.string().optional().describe('the link id, when get_pay_id was sent'),
  notifications: LinkViewSchema.shape.notifications,
});
export const LinkPaymentRefused = z.object({
  result: z.literal(false),
  code: z.string().describe('AUTH_001…, FORMAT_*, MISSING_*, AMOUNT_*, EXIST_001, SERVER_001… (docs/links.md)'),
  message: z.string(),
});
export const LinkPaymentAnswer = z.union([LinkPaymentCreated, LinkPaymentRefused]);
export type LinkPaymentAnswer = z.output<typeof LinkPaymentAnswer>;

/** The pay page's address: the link's token. */
export const PayPageQuery = z.object({ SDESSID: z.string().describe('the token of the link (in the URL get_link_payment gave)') });

/** The pay page's form (GET /paypage shows it; POST sends it, application/x-www-form-urlencoded). */
export const PayPageForm = z.object({
  number: z.string().describe('the card number (spaces allowed); never sent back'),
  expiry: z.string().describe('MM/YY'),
  form_token: z.string().describe("the page's anti-forgery token, from the form"),
});

/** The hosted payment page of a V4 formToken: its form fields (POST /payform/{token}). */
export const PayFormFields = z.object({
  cardNumber: z.string(),
  expiryMonth: z.string().describe('MM'),
  expiryYear: z.string().describe('YYYY'),
});
