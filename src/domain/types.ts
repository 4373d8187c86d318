import type { CardBrand, MaskedCard } from '../card/card.js';

/** What a transaction is: a v2 card payment, an initial multi-authorisation, a shipment debit, a link payment. */
export type TxKind = 'card' | 'initial' | 'shipment' | 'link';

/**
 * Stored statuses.
 * - PENDING: authorised by the acquirer, waiting for the merchant's return URL (card, link).
 * - PAID: money moved (card after the return URL answered 200; shipment; link).
 * - AUTHORISED: an initial multi-authorisation, valid 180 days; the card is not debited.
 * - DECLINED: the acquirer refused the card. FAILED: the acquirer failed technically.
 * - CANCELLED: the return URL did not answer 200, or a crash caught it waiting: nothing moved.
 */
export type TxStatus = 'PENDING' | 'PAID' | 'AUTHORISED' | 'DECLINED' | 'FAILED' | 'CANCELLED';

/** What a user sees: PAID split by how much was refunded, AUTHORISED past 180 days as EXPIRED. */
export type TxDisplayStatus = TxStatus | 'PARTIALLY_REFUNDED' | 'REFUNDED' | 'EXPIRED';

export interface MerchantRecord {
  id: string;
  name: string;
  ip: string;
  returnUrl: string;
  /** Where V4 IPNs go; the return URL when not set. */
  notificationUrl: string | null;
  currency: string;
  /** Newest first. Callbacks are signed with the first; during a rotation the others still verify. */
  secrets: string[];
  createdAt: string;
  /** When an operator disabled it: its requests are refused (merchant_disabled), its history stays readable. */
  disabledAt?: string | null;
  /**
   * The merchant's 8-digit shop number, as the V4 platform names a shop: shown in V4 answers and
   * accepted as the V4 Basic-auth user beside the uuid. Every registered merchant has one (given
   * at registration, or by migration 6 for older ones); a record written without one reads back
   * without it.
   */
  shopId?: string;
}

export interface TransactionRecord {
  id: string;
  merchantId: string;
  kind: TxKind;
  /** The merchant's reference: v2 cid, V4 orderId, link payment_reference. */
  cid: string;
  /** Unique per merchant when set: what makes a retry idempotent. */
  idemKey: string | null;
  /** A fingerprint of the request, to tell a retry from a different request with the same key. */
  requestHash: string | null;
  status: TxStatus;
  amount: number;
  currency: string;
  refunded: number;
  /** For an initial authorisation: the sum of its shipments. */
  shipped: number;
  parentId: string | null;
  cardFirst6: string | null;
  cardLast4: string | null;
  cardBrand: CardBrand | null;
  cardHash: string | null;
  /** The acquirer's token for later debits (initial authorisations, link instalments); never the PAN. */
  cardToken: string | null;
  email: string | null;
  authCode: string | null;
  /** Why it is DECLINED, FAILED or CANCELLED. */
  reason: string | null;
  callbackStatus: number | null;
  callbackError: string | null;
  /** A PENDING payment not settled by then was abandoned (crash): it may be cancelled. */
  deadlineAt: string | null;
  /** Initial authorisations: the end of their 180 days. */
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * JSON of what a V4 payment request sent that the V4 objects echo and no column holds (its
   * metadata, customer details, the card's expiry), never a card number: see
   * V4Details in engine/service-engine.ts. Absent for transactions made another way.
   */
  v4Details?: string;
}

export interface RefundRecord {
  id: string;
  transactionId: string;
  merchantId: string;
  amount: number;
  currency: string;
  createdAt: string;
}

export interface MerchantView {
  uuid: string;
  /** The 8-digit shop number of the V4 API (absent only for a merchant written without one). */
  shopId?: string;
  name: string;
  ip: string;
  returnUrl: string;
  notificationUrl: string | null;
  currency: string;
  createdAt: string;
  /**
   * disabled: an operator disabled it (`esipay merchant disable`); its requests are refused. The
   * engines always set both; optional only so views built by hand (TUI fixtures) stay valid.
   */
  status?: 'active' | 'disabled';
  disabledAt?: string | null;
}

export interface MerchantWithSecret extends MerchantView {
  secret: string;
}

/** The JSON shape of a transaction, the same from the CLI's --json and the HTTP service. */
export interface TransactionView {
  id: string;
  merchant: string;
  cid: string;
  kind: TxKind;
  status: TxDisplayStatus;
  amount: number;
  currency: string;
  refunded: number;
  /** What can still be refunded (card, shipment, link) or shipped (initial). Never negative. */
  remaining: number;
  card: MaskedCard | null;
  createdAt: string;
  /** initial: sum of shipments and the end of validity. */
  shipped?: number;
  expiresAt?: string;
  /** shipment: the initial transaction, and whether it falls within the 30-day payment guarantee. */
  parent?: string;
  withinGuarantee?: boolean;
  reason?: string;
}

export interface RefundView {
  id: string;
  transaction: string;
  amount: number;
  currency: string;
  createdAt: string;
}

export interface CallbackView {
  status: number | null;
  error: string | null;
}

export interface TransactionDetail extends TransactionView {
  refunds: RefundView[];
  shipments: TransactionView[];
  callback: CallbackView | null;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  next: string | null;
}

/** How a payment link is paid: at once, in instalments, or once on a later date. */
export type LinkMode = 'pay_now' | 'multi_pay' | 'pay_later';

export interface LinkRecord {
  id: string;
  merchantId: string;
  /** SHA-256 of the SDESSID token: the token itself is only in the link. */
  tokenHash: string;
  paymentReference: string;
  consumerReference: string;
  amount: number;
  currency: string;
  mode: LinkMode;
  /** The accepted request, every field as sent (JSON). */
  request: string;
  callbackUrl: string;
  redirectUrl: string | null;
  status: 'open' | 'paid';
  transactionId: string | null;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}

/** A message to deliver to a merchant with retries (V4 IPN, link callback), kept across restarts. */
export interface OutboxRecord {
  id: string;
  merchantId: string;
  /** 'ipn' | 'link_callback' | … */
  topic: string;
  url: string;
  contentType: string;
  body: string;
  /** JSON object of extra headers (signature…). */
  headers: string;
  attempts: number;
  nextAttemptAt: string;
  deliveredAt: string | null;
  lastError: string | null;
  createdAt: string;
}

/** One debit a link takes later: a multi_pay instalment, or the pay_later debit. */
export interface ScheduledDebitRecord {
  id: string;
  linkId: string;
  merchantId: string;
  /** 1-based position in the schedule. */
  seq: number;
  amount: number;
  currency: string;
  dueAt: string;
  status: 'scheduled' | 'paid' | 'failed';
  cardToken: string | null;
  transactionId: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}
