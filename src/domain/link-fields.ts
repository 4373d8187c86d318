/**
 * The get_link_payment request, field by field, in the order of the seed's table (002). The row
 * number of a field is part of its error codes (MISSING_005 = consumer_reference is missing), so
 * this order must never change: new fields go at the end. Plain data, no zod: the codes
 * (link-codes.ts) and the service's answers read it at start-up; the schema that validates a
 * body (engine/local/links/schema.ts) is built from it on first use.
 *
 * - string: a JSON string of at most `max` characters, no control characters.
 * - integer: a JSON integer or a string of digits (the seed's own example sends the zip code as
 *   "75002"), at most `max` digits; kept as its digit string.
 * - boolean: true/false (also 1/0, "1"/"0", "true"/"false", as form-minded clients send them).
 * The seed gives no size for some strings: they are held to 255 characters (documented).
 * An optional field sent as "" or null counts as absent; a required one as missing.
 */
export type FieldType = 'string' | 'integer' | 'boolean';
export type FieldFormat = 'text' | 'digits' | 'url' | 'email' | 'phone' | 'siren' | 'flag' | 'consumer_type' | 'lang';

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Characters (string) or digits (integer); undefined for booleans. */
  max?: number;
  required: boolean;
  format?: FieldFormat;
  /** What the field means, for docs and messages. */
  label: string;
}

/** Where the seed gives no size. */
export const UNSIZED_MAX = 255;

export const LINK_FIELDS: readonly FieldSpec[] = [
  { name: 'beneficiary_reference', type: 'string', max: 32, required: true, label: "the beneficiary's reference" },
  { name: 'amount', type: 'string', max: 18, required: true, format: 'digits', label: 'the amount in minor units (cents)' },
  { name: 'payment_reference', type: 'string', max: 64, required: true, label: 'the payment reference' },
  {
    name: 'consumer_type',
    type: 'integer',
    max: 1,
    required: false,
    format: 'consumer_type',
    label: 'the consumer type (0 person, 1 company)',
  },
  { name: 'consumer_reference', type: 'string', max: 32, required: true, label: "the consumer's reference" },
  { name: 'consumer_id', type: 'string', max: 32, required: false, label: "the consumer's id" },
  { name: 'url_callback', type: 'string', max: 128, required: true, format: 'url', label: 'the callback URL' },
  { name: 'consumer_first_name', type: 'string', max: 16, required: false, label: "the consumer's first name" },
  { name: 'consumer_last_name', type: 'string', max: 16, required: false, label: "the consumer's last name" },
  { name: 'consumer_address_street_number', type: 'string', max: 16, required: false, label: "the consumer's street number" },
  { name: 'consumer_address_street_name', type: 'string', max: 70, required: false, label: "the consumer's street name" },
  { name: 'consumer_zip_code', type: 'integer', max: 16, required: false, label: "the consumer's zip code" },
  { name: 'consumer_city', type: 'string', max: 35, required: false, label: "the consumer's city" },
  { name: 'consumer_email', type: 'string', max: 70, required: true, format: 'email', label: "the consumer's email" },
  { name: 'consumer_phone_number', type: 'string', max: 32, required: true, format: 'phone', label: "the consumer's mobile number" },
  { name: 'social_reference', type: 'string', max: 32, required: false, label: "the consumer's company name" },
  { name: 'siren', type: 'string', max: 9, required: false, format: 'siren', label: "the consumer's SIREN" },
  { name: 'sms_option', type: 'integer', max: 1, required: false, format: 'flag', label: 'send the link by SMS (1 yes, 0 no)' },
  { name: 'email_option', type: 'integer', max: 1, required: false, format: 'flag', label: 'send the link by email (1 yes, 0 no)' },
  { name: 'payment_scenario', type: 'string', max: 64, required: false, label: 'the payment scenario' },
  { name: 'bic_bank', type: 'string', max: 16, required: false, label: 'the bank code' },
  { name: 'merchant_id', type: 'string', max: UNSIZED_MAX, required: false, label: 'the merchant id' },
  { name: 'from_bo', type: 'boolean', required: false, label: 'sent from the back office' },
  { name: 'get_pay_id', type: 'boolean', required: false, label: "return the link's id" },
  { name: 'shop_id', type: 'string', max: UNSIZED_MAX, required: false, label: "the beneficiary's internal id" },
  { name: 'shop_reference', type: 'string', max: UNSIZED_MAX, required: false, label: "the beneficiary's internal reference" },
  { name: 'payment_lang', type: 'string', max: UNSIZED_MAX, required: false, format: 'lang', label: 'the language of the payment page' },
  { name: 'list_beneficiary_reference', type: 'string', max: UNSIZED_MAX, required: false, label: "the beneficiaries' unique references" },
  { name: 'pay_now', type: 'boolean', required: false, label: 'pay at once' },
  { name: 'multi_pay', type: 'boolean', required: false, label: 'pay in instalments' },
  { name: 'pay_later', type: 'boolean', required: false, label: 'pay later' },
  { name: 'transaction_id', type: 'string', max: 64, required: false, label: 'the transaction reference' },
  { name: 'basket_id', type: 'string', max: 64, required: false, label: 'the basket id' },
  { name: 'manual_redirect_url', type: 'string', max: 256, required: false, format: 'url', label: 'the manual redirect URL' },
  { name: 'reference_label', type: 'string', max: 256, required: false, label: 'the payment label' },
  { name: 'tva_interco', type: 'string', max: 16, required: false, label: 'the intra-community VAT number' },
  { name: 'link_duration', type: 'integer', max: 16, required: false, label: 'how long the link stays valid, in minutes' },
];

/** The 3-digit row number of a field in the seed's table: the suffix of its codes. */
export function fieldNumber(name: string): string {
  const i = LINK_FIELDS.findIndex((f) => f.name === name);
  if (i < 0) throw new Error(`unknown link field ${name}`);
  return String(i + 1).padStart(3, '0');
}

/** A validated request: every field as a string (digits for integers) or boolean, absent when not sent. */
export type LinkRequest = Record<string, string | boolean | undefined> & {
  beneficiary_reference: string;
  amount: string;
  payment_reference: string;
  consumer_reference: string;
  url_callback: string;
  consumer_email: string;
  consumer_phone_number: string;
};
