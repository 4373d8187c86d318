import { EsipayError } from '../../domain/errors.js';
import { maskDigitRuns } from '../../util/printable.js';
import type { V4ErrorAnswer } from './envelope.js';

/**
 * Every error code of the V4 API and its standard message. The platform's codes keep their
 * platform meaning: the seed's (INT_*, PSP_*), INT_015 and INT_902 (a bad e-mail, a body that does
 * not validate), PSP_010 (an unknown transaction or order), PSP_035 (token creation refused). ESI_*
 * are esipay's, for what the platform's reference gives no code to; docs/v4-api.md lists them all,
 * with when each occurs and why esipay has it.
 */
export const V4_CODES = {
  INT_009: 'invalid amount: the amount field is missing or malformed',
  INT_010: 'invalid currency: the currency field is missing or malformed',
  INT_015: 'invalid customer email',
  INT_050: 'invalid strongAuthentication parameter',
  INT_902: 'web-service input data validation error',
  PSP_010: 'transaction not found',
  PSP_035: 'token creation denied',
  PSP_227: 'unknown technical error while creating the shipment transaction',
  PSP_228: 'shipment transaction created but its result cannot be given',
  PSP_229: 'the shipment transaction cannot be created',
  PSP_231: 'an initial shipment-payment transaction cannot be modified',
  PSP_236: 'a shipment transaction cannot be duplicated',
  PSP_519: 'unknown currency',
  PSP_606: 'currency not supported by the contract',
  ESI_010: 'invalid orderId',
  ESI_011: 'unsupported useCase',
  ESI_012: 'invalid card',
  ESI_013: 'invalid idempotency key',
  ESI_014: 'idempotency key already used for another payment',
  ESI_030: 'the refund is not possible',
  ESI_401: 'authentication failed',
  ESI_403: 'the merchant is disabled',
  ESI_404: 'unknown web service',
  ESI_405: 'method not allowed',
  ESI_413: 'request body too large',
  ESI_500: 'internal error',
  ESI_503: 'service unavailable',
} as const;

export type V4Code = keyof typeof V4_CODES;

/** Engine codes that are not already V4 codes, and the V4 code they travel as. */
const FROM_ENGINE: Record<string, V4Code> = {
  invalid_amount: 'INT_009',
  invalid_email: 'INT_015',
  invalid_order_id: 'ESI_010',
  invalid_card_number: 'ESI_012',
  invalid_card_month: 'ESI_012',
  invalid_card_year: 'ESI_012',
  card_expired: 'ESI_012',
  invalid_idempotency_key: 'ESI_013',
  idempotency_key_reused: 'ESI_014',
  unknown_transaction: 'PSP_010',
  initial_not_refundable: 'PSP_231',
  not_refundable: 'ESI_030',
  nothing_to_refund: 'ESI_030',
  amount_exceeds_remaining: 'ESI_030',
  merchant_disabled: 'ESI_403',
};

export function v4ErrorOf(
  code: V4Code,
  detailedErrorMessage: string | null = null,
  detailedErrorCode: string | null = null,
): V4ErrorAnswer {
  // The detail often quotes what the caller sent: a card number in the wrong place never comes back.
  return {
    errorCode: code,
    errorMessage: V4_CODES[code],
    detailedErrorCode,
    detailedErrorMessage: detailedErrorMessage === null ? null : maskDigitRuns(detailedErrorMessage),
  };
}

/**
 * An engine error as a V4 error: its code when it is a V4 one, else the V4 code it maps to with
 * the engine's code as detailedErrorCode; the engine's one-line message (and hint) as detail.
 * Anything unexpected is ESI_500 with no detail (bugs are reported to the operator, not the caller).
 */
export function v4ErrorFromException(e: unknown): V4ErrorAnswer {
  if (!(e instanceof EsipayError)) return v4ErrorOf('ESI_500');
  const detail = e.hint ? `${e.message} (${e.hint})` : e.message;
  if (e.code in V4_CODES) return v4ErrorOf(e.code as V4Code, detail);
  const mapped = FROM_ENGINE[e.code];
  if (mapped) return v4ErrorOf(mapped, detail, e.code);
  if (e.kind === 'unavailable') return v4ErrorOf('ESI_503', detail, e.code);
  if (e.kind === 'internal') return v4ErrorOf('ESI_500');
  return v4ErrorOf('INT_902', detail, e.code);
}
