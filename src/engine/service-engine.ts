import type { MerchantRecord, OutboxRecord, RefundRecord, TransactionRecord } from '../domain/types.js';
import type { Clock } from '../util/clock.js';
import type { ClockWatch } from './clock-types.js';
import type { Engine, LinkView } from './engine.js';
import type { DebitRunReport, OpenedLink, PayLinkResult, PlannedDebit, TypedCard } from './links-types.js';

/**
 * What `esipay serve` needs of the engine beyond the Engine interface: the use cases that only run
 * in the service's own process (they take objects that do not cross a wire, or serve a page or a
 * worker). LocalEngine implements it; the server types its engine as this and imports nothing
 * from `engine/local/` but the factory that builds one.
 *
 * Grouped by the part of the service that calls them, so each route module sees its own block.
 */
export interface ServiceEngine extends Engine {
  /** The engine's clock: the service answers with the same "now" its use cases decided with. */
  readonly clock: Clock;

  /** The test clock as the service sees it: re-read on a timer, its moves wake the workers (docs/clock.md). */
  readonly clockWatch: ClockWatch;

  /** The V4 API (seed 001) and its hosted form. */
  readonly v4: V4UseCases;

  /** The service's workers. */
  readonly maintenance: MaintenanceUseCases;

  /** Payment links: get_link_payment, the hosted pay page (/paypage) and the scheduled-debit worker. */
  readonly links: ServiceLinks;
}

/**
 * The V4 web services work on the records themselves (the V4 objects show fields the views do not
 * carry) and on the merchant the request authenticated, so a request reads each thing once.
 * Amounts and currencies are passed as the wire sent them (integers of minor units, ISO codes):
 * the engine checks them with the V4 API's codes (INT_009, INT_010, PSP_519, PSP_606), once.
 */
export interface V4UseCases {
  /** The checks of an order (amount, currency, orderId, email), for a formToken issued before any card is seen. */
  checkOrder(merchant: MerchantRecord, order: V4Order): CheckedOrder;
  /** A currency sent with a shipment or a refund: the merchant's contract currency, or its code. */
  checkCurrency(merchant: MerchantRecord, currency: unknown): string;
  /**
   * The initial multi-authorisation: AUTHORISED, DECLINED or FAILED are all answers (never thrown
   * for the card's verdict); a request error is an EsipayError. `notification` builds the IPN from
   * the record about to be written: it is queued in the same database write (none on a replay).
   */
  authorise(merchant: MerchantRecord, input: V4InitialInput): Promise<{ transaction: TransactionRecord; written: boolean }>;
  /**
   * An immediate card payment (CreatePayment without a useCase): the card is debited now. PAID,
   * DECLINED or FAILED are all answers, as with `authorise`; `notification` is queued with the
   * final status in the same database write (none on a replay).
   */
  pay(merchant: MerchantRecord, input: V4InitialInput): Promise<{ transaction: TransactionRecord; written: boolean }>;
  /** A shipment debit: PAID or DECLINED are answers; PSP_227, PSP_228 and refusals are thrown. */
  ship(merchant: MerchantRecord, input: V4ShipmentInput): Promise<{ shipment: TransactionRecord; initial: TransactionRecord }>;
  /**
   * A transaction of this merchant with its parent (a shipment's initial), or undefined. On the
   * V4 API a refund is a transaction too: for a refund's uuid, `refund` is the refund and
   * `transaction` the one it refunds.
   */
  transaction(merchant: MerchantRecord, id: string): Promise<V4Found | undefined>;
  /** Every transaction of one order of this merchant, oldest first, and the refunds of them. */
  order(merchant: MerchantRecord, orderId: string): Promise<{ transactions: TransactionRecord[]; refunds: RefundRecord[] }>;
  /**
   * Full (no amount) or partial refund of a transaction of this merchant (an initial one:
   * PSP_231), under an idempotency key as the Engine's refund: the refund, and the refunded
   * transaction as it now stands.
   */
  refund(
    merchant: MerchantRecord,
    input: { uuid: string; amount?: unknown; currency?: unknown; idempotencyKey?: string },
  ): Promise<{ refund: RefundRecord; transaction: TransactionRecord }>;
  /** The initial transaction written under this idempotency key (the hosted form's attempts). */
  initialByKey(merchant: MerchantRecord, idempotencyKey: string): Promise<TransactionRecord | undefined>;
  /** The immediate payment written under this idempotency key (the hosted form's attempts). */
  paymentByKey(merchant: MerchantRecord, idempotencyKey: string): Promise<TransactionRecord | undefined>;
}

/** What Transaction/Get finds: a transaction (with its parent), or a refund and what it refunds. */
export interface V4Found {
  transaction: TransactionRecord;
  parent?: TransactionRecord;
  refund?: RefundRecord;
}

export interface V4Order {
  amount: unknown;
  currency: unknown;
  /** '', null or undefined: none was sent. */
  orderId?: string | null;
  email?: string | null;
}

export interface CheckedOrder {
  amount: number;
  currency: string;
  /** '' when none was sent. */
  orderId: string;
  email: string | null;
}

export interface V4InitialInput extends V4Order {
  card: { number: string; month: string; year: string };
  idempotencyKey?: string;
  notification?: (tx: TransactionRecord, merchant: MerchantRecord) => OutboxRecord;
  /**
   * What the request sent that the V4 answers echo (metadata, customer details), checked by the
   * API and free of card numbers. Kept with the transaction as JSON (v4Details), with the card's
   * expiry month and year added: the V4 objects show them, and they are no secret.
   */
  details?: Record<string, unknown>;
}

export interface V4ShipmentInput {
  initial: string;
  amount: unknown;
  email?: string | null;
  idempotencyKey?: string;
}

export interface MaintenanceUseCases {
  /**
   * Cancels what was abandoned PENDING past its deadline (a crash while it waited: a card or link
   * payment, a shipment, an initial verification), gives a shipment's amount back to its initial,
   * and releases the acquirer's hold on each. `problems` are releases that failed (the
   * cancellation stands; the hold lapses at the issuer), one line each, for the operator's log.
   */
  sweepAbandoned(): Promise<{ cancelled: string[]; problems: string[] }>;
}

/**
 * Asynchronous throughout: the link use cases (and zod, which their schema needs) load on first
 * use, so a service that never sees a link never loads them. Failures the caller must answer are
 * EsipayErrors whose code is a link code (src/domain/link-codes.ts) or, for the page, a result.
 */
export interface ServiceLinks {
  /**
   * get_link_payment for a merchant the caller authenticated: the body as sent (the seed's wire,
   * amount in minor units), checked field by field. Throws the link code of the first problem
   * (FORMAT_*, MISSING_*, AMOUNT_*, EXIST_001…); nothing is recorded then.
   */
  createLinkFromWire(merchant: MerchantRecord, body: unknown): Promise<LinkView>;
  /** The link an SDESSID opens, or undefined when the token is malformed or unknown. */
  openLink(token: string): Promise<OpenedLink | undefined>;
  /** The debits the link would take if paid now: what the page shows before payment. */
  plannedDebits(opened: OpenedLink): Promise<PlannedDebit[]>;
  /** Pays an open link with the card typed on the page; a refusal is a result with its code. */
  payLink(opened: OpenedLink, card: TypedCard): Promise<PayLinkResult>;
  /** Takes up to `limit` scheduled debits that are due (default 50), for the debit worker. */
  runDueDebits(limit?: number): Promise<DebitRunReport>;
  /** The key of the pay page's anti-forgery token, derived from the installation's secret key. */
  payFormKey(): Promise<Buffer>;
}
