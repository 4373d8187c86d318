import { isoSeconds } from './envelope.js';

/**
 * transactionDetails.cardDetails (V4/PaymentMethod/Details/CardDetails) and its newer twin
 * paymentMethodDetails: every field of the platform's reference, filled with what esipay knows
 * of the card and of the acquirer's answers, null for the rest (issuer, 3-D Secure, installments:
 * the simulated acquirer has none of them). The number is only ever the masked first 6 + last 4.
 */

/** What esipay knows of a transaction's card and of what the acquirer answered for it. */
export interface CardFacts {
  /** "411111XXXXXX1111", or null when no card was kept. */
  pan: string | null;
  brand: string | null;
  expiryMonth: number | null;
  expiryYear: number | null;
  /** The authorisation (or verification, or refund) the acquirer gave, or refused. */
  authorization: { amount: number; currency: string; date: string; number: string | null; result: string | null } | null;
  /** When the money moved (esipay captures at once), and what was refunded of it since. */
  capture: { date: string; refunded: number; currency: string } | null;
}

/**
 * The acquirer's answer as the card networks code it (ISO 8583 response codes, which the
 * platform passes on as authorizationResult and as a refused transaction's detailedErrorCode):
 * "0" approved, "51" insufficient funds, "05" do not honour…, "96" a technical failure.
 */
export const APPROVED = '0';
export const TECHNICAL_FAILURE = '96';
const DECLINE_CODES: Record<string, string> = {
  insufficient_funds: '51',
  lost_card: '41',
  stolen_card: '43',
  do_not_honour: '05',
  card_declined: '05',
};
export const declineCodeOf = (reason: string | null): string => DECLINE_CODES[reason ?? ''] ?? '05';

export function v4CardDetails(f: CardFacts): { cardDetails: Record<string, unknown>; paymentMethodDetails: Record<string, unknown> } {
  const a = f.authorization;
  const c = f.capture;
  const common = {
    paymentSource: 'EC',
    manualValidation: 'NO',
    expectedCaptureDate: c ? isoSeconds(c.date) : null,
    effectiveBrand: f.brand,
    expiryMonth: f.expiryMonth,
    expiryYear: f.expiryYear,
    country: null,
    issuerCode: null,
    issuerName: null,
    effectiveProductCode: null,
    legacyTransId: null,
    legacyTransDate: a ? isoSeconds(a.date) : null,
    paymentMethodSource: 'NEW',
    authorizationResponse: {
      amount: a?.amount ?? null,
      currency: a?.currency ?? null,
      authorizationDate: a ? isoSeconds(a.date) : null,
      authorizationNumber: a?.number ?? null,
      authorizationResult: a?.result ?? null,
      authorizationMode: a ? 'FULL' : null,
      _type: 'V4/PaymentMethod/Details/Cards/CardAuthorizationResponse',
    },
    captureResponse: {
      refundAmount: c && c.refunded > 0 ? c.refunded : null,
      refundCurrency: c && c.refunded > 0 ? c.currency : null,
      captureDate: c ? isoSeconds(c.date) : null,
      captureFileNumber: null,
      effectiveRefundAmount: c && c.refunded > 0 ? c.refunded : null,
      effectiveRefundCurrency: c && c.refunded > 0 ? c.currency : null,
      _type: 'V4/PaymentMethod/Details/Cards/CardCaptureResponse',
    },
    authenticationResponse: null,
    installmentNumber: null,
    installmentCode: null,
    markAuthorizationResponse: {
      amount: null,
      currency: null,
      authorizationDate: null,
      authorizationNumber: null,
      authorizationResult: null,
      _type: 'V4/PaymentMethod/Details/Cards/MarkAuthorizationResponse',
    },
    cardHolderName: null,
    identityDocumentNumber: null,
    identityDocumentType: null,
    initialIssuerTransactionIdentifier: null,
  };
  return {
    cardDetails: {
      ...common,
      pan: f.pan,
      threeDSResponse: {
        authenticationResultData: {
          transactionCondition: null,
          enrolled: null,
          status: null,
          eci: null,
          xid: null,
          cavvAlgorithm: null,
          cavv: null,
          signValid: null,
          brand: null,
          _type: 'V4/PaymentMethod/Details/Cards/CardAuthenticationResponse',
        },
        _type: 'V4/PaymentMethod/Details/Cards/ThreeDSResponse',
      },
      _type: 'V4/PaymentMethod/Details/CardDetails',
    },
    paymentMethodDetails: { id: f.pan, ...common, _type: 'V4/PaymentMethod/Details/PaymentMethodDetails' },
  };
}
