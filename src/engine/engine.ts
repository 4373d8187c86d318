import type { LinkMode, MerchantView, MerchantWithSecret, Page, RefundView, TransactionDetail, TransactionView } from '../domain/types.js';
import type { MerchantTotals } from '../store/store.js';
import type { ClockView, DatabaseMode, DatabaseModeView } from './clock-types.js';
import type { EventDetail, EventFeed, EventView } from '../domain/events.js';

/**
 * The use cases of esipay. The CLI, the TUI and the HTTP service only talk to this.
 * LocalEngine runs them in-process over a Store; RemoteEngine sends them to an `esipay serve`.
 * Both raise EsipayError with the same codes for the same mistakes (the contract suite checks it).
 *
 * Amounts: every input is a decimal string in the currency of the merchant or of the transaction
 * ("74.12", "." separator), the form a person types and the v2 wire carries; the engine is the one
 * place that knows that currency, so it parses once, exactly, with the right number of decimals.
 * Every output (views, totals) is an integer of minor units beside its ISO 4217 currency. The
 * in-process use cases of `esipay serve` (service-engine.ts) take minor units: they serve wires
 * whose unit that is (V4, payment links), already checked against the currency.
 */
export interface Engine {
  /** "local sqlite /path/esipay.db" or "remote http://host:6543": for headers and messages. */
  readonly description: string;

  registerMerchant(input: RegisterMerchantInput): Promise<MerchantWithSecret>;
  listMerchants(q?: { limit?: number; cursor?: string }): Promise<Page<MerchantView>>;
  getMerchant(uuid: string): Promise<MerchantView>;
  /**
   * A new secret; the previous one keeps verifying until the next rotation, unless
   * expirePrevious: then it stops working at once (a leaked secret).
   */
  rotateMerchantSecret(uuid: string, opts?: { expirePrevious?: boolean }): Promise<MerchantWithSecret>;

  pay(input: PayInput): Promise<TransactionView>;
  refund(input: RefundInput): Promise<RefundOutcome>;

  listTransactions(q: ListTransactionsInput): Promise<Page<TransactionView>>;
  getTransaction(id: string, merchant?: string): Promise<TransactionDetail>;
  merchantTotals(merchant: string): Promise<MerchantTotals>;

  createInitial(input: CreateInitialInput): Promise<TransactionView>;
  createShipment(input: CreateShipmentInput): Promise<TransactionView>;

  createLink(input: CreateLinkInput): Promise<LinkView>;
  listLinks(q: { merchant: string; limit?: number; cursor?: string }): Promise<Page<LinkView>>;
  getLink(id: string, merchant?: string): Promise<LinkView>;

  close(): Promise<void>;

  // Merchant lifecycle: change, disable and enable a registered merchant.
  /** Changes the fields given, checked as at registration (unknown_merchant, invalid_*, nothing_to_update). */
  updateMerchant(uuid: string, input: UpdateMerchantInput): Promise<MerchantView>;
  /** From now on its payments, initials, shipments, refunds and links are refused (merchant_disabled); its history stays readable. */
  disableMerchant(uuid: string): Promise<MerchantView>;
  enableMerchant(uuid: string): Promise<MerchantView>;

  // Test clock: the time of a test database, for every process on it (docs/clock.md).
  // A live database refuses every move (live_database); a move backwards needs force (clock_backwards).
  clockShow(): Promise<ClockView>;
  /** Forward by a duration: "30d", "12h", "90m", "1w", "1d12h" (invalid_duration). */
  clockAdvance(duration: string): Promise<ClockView>;
  /** To an ISO-8601 time with its zone, or a date (invalid_time). */
  clockSet(time: string, opts?: { force?: boolean }): Promise<ClockView>;
  /** Back to real time. */
  clockReset(opts?: { force?: boolean }): Promise<ClockView>;
  databaseMode(): Promise<DatabaseModeView>;
  /** test → live (on real time only: clock_moved); live → test only with force (live_database). */
  setDatabaseMode(mode: DatabaseMode, opts?: { force?: boolean }): Promise<DatabaseModeView>;

  // Events: the messages esipay sends merchants, with their delivery attempts (docs/events.md).

  /** Newest first, keyset-paged like listTransactions; every merchant's unless one is given. */
  listEvents(q?: ListEventsInput): Promise<Page<EventView>>;
  /** One event, its payload masked, with every attempt and resend. */
  getEvent(id: string, merchant?: string): Promise<EventDetail>;
  /** Queues the event again, due now, whatever its status (dead and delivered too); recorded in its history. */
  resendEvent(id: string, merchant?: string): Promise<EventView>;
  /** What happened after `after` (events queued, attempts made), oldest first; without it, from now on. */
  followEvents(q?: { after?: string; limit?: number }): Promise<EventFeed>;
}

export interface UpdateMerchantInput {
  name?: string;
  ip?: string;
  returnUrl?: string;
  /** null or '': IPNs go to the return URL again. */
  notificationUrl?: string | null;
}

export interface ListEventsInput {
  merchant?: string;
  transaction?: string;
  type?: string;
  /** pending, failed, delivered or dead. */
  status?: string;
  limit?: number;
  cursor?: string;
}

export interface RegisterMerchantInput {
  name: string;
  ip: string;
  returnUrl: string;
  currency?: string;
  notificationUrl?: string;
}

export interface PayInput {
  merchant: string;
  cid: string;
  card: { number: string; month: string; year: string };
  /** Decimal, "." separator, in the merchant's currency. */
  amount: string;
  /** The caller's address when the request came over the network; checked against the merchant's IP. */
  callerIp?: string;
}

export interface RefundInput {
  transaction: string;
  /** Decimal; absent means the whole remaining amount. */
  amount?: string;
  /** When given, the transaction must belong to this merchant. */
  merchant?: string;
  callerIp?: string;
  /**
   * Makes a retry safe (per merchant, kept forever): the same key with the same transaction and
   * amount answers the first refund and refunds nothing more; with another, idempotency_key_reused.
   */
  idempotencyKey?: string;
}

export interface RefundOutcome {
  transaction: TransactionView;
  refund: RefundView;
  /** Only on a request whose idempotency key already held this refund: nothing was refunded now. */
  replayed?: true;
}

export interface ListTransactionsInput {
  merchant: string;
  limit?: number;
  cursor?: string;
  kinds?: string[];
  topLevel?: boolean;
  // The filters of tx list and tx export, run by the database beside the keyset paging; checked
  // (unknown values refused) by transaction-filters.ts on every engine.
  /** Only these statuses, as displayed: PAID, PARTIALLY_REFUNDED, REFUNDED, EXPIRED… */
  statuses?: string[];
  /** Only those created at or after this day or ISO 8601 time. */
  since?: string;
  /** Only those created before this day or ISO 8601 time (exclusive). */
  until?: string;
  /** Only those with this merchant reference (cid, order id, payment reference). */
  cid?: string;
}

export interface CreateInitialInput {
  merchant: string;
  /** Decimal, in `currency`. */
  amount: string;
  /** The merchant's contract currency when absent; any other is refused (PSP_606). */
  currency?: string;
  orderId: string;
  email?: string;
  card: { number: string; month: string; year: string };
  /** Makes a retry idempotent (the hosted form's single payment, a merchant's retries). */
  idempotencyKey?: string;
}

export interface CreateShipmentInput {
  merchant: string;
  /** The initial transaction's uuid. */
  initial: string;
  /** Decimal, in the initial transaction's currency. */
  amount: string;
  email?: string;
  /** Makes a retry idempotent; the same key with other data is an error (PSP_236). */
  idempotencyKey?: string;
}

export interface CreateLinkInput {
  merchant: string;
  /** Decimal, "." separator, in the merchant's currency (get_link_payment's own wire sends minor units). */
  amount: string;
  paymentReference: string;
  consumerReference: string;
  callbackUrl: string;
  email: string;
  phone: string;
  mode?: LinkMode;
  /** Every other field of the get_link_payment table, as sent. */
  extra?: Record<string, unknown>;
}

export interface LinkView {
  id: string;
  merchant: string;
  /**
   * The URL to hand to the consumer. Only createLink returns it: the token in it is stored only
   * as its SHA-256, so list and show cannot give it again (null there).
   */
  link: string | null;
  paymentReference: string;
  consumerReference: string;
  amount: number;
  currency: string;
  mode: LinkMode;
  state: 'open' | 'paid' | 'expired';
  transaction: string | null;
  expiresAt: string;
  createdAt: string;
  /** multi_pay and pay_later, once paid: every debit with its due date and outcome. */
  schedule?: LinkDebitView[];
  /** createLink with email_option / sms_option: whether each message really went out. */
  notifications?: LinkNotificationView[];
}

export interface LinkDebitView {
  seq: number;
  amount: number;
  dueAt: string;
  status: 'paid' | 'scheduled' | 'failed';
  transaction: string | null;
}

export interface LinkNotificationView {
  channel: 'email' | 'sms';
  to: string;
  sent: boolean;
  error?: string;
}
