import type {
  LinkRecord,
  MerchantRecord,
  OutboxRecord,
  RefundRecord,
  ScheduledDebitRecord,
  TransactionRecord,
  TxDisplayStatus,
  TxStatus,
} from '../domain/types.js';
import type { AttemptOutcome, EventAttemptRecord, EventRecord, EventStatus } from '../domain/events.js';

/**
 * The one narrow interface between the use cases and a database. Each adapter (sqlite/, postgres/)
 * lives in its own folder and is loaded only when asked for (see open-store.ts).
 *
 * Every operation that moves money is one call here, so the adapter can do its check and its write
 * in one database transaction (a row lock, a constraint): the use cases never check-then-write.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** A printable location (file path, or URL without password). */
  readonly location: string;

  migrate(): Promise<MigrationStatus>;
  migrationStatus(): Promise<MigrationStatus>;

  getSetting(key: string): Promise<string | undefined>;
  /** Sets the value only if the key has none yet; returns the value that holds (the first writer wins). */
  initSetting(key: string, value: string): Promise<string>;
  setSetting(key: string, value: string): Promise<void>;

  insertMerchant(m: MerchantRecord): Promise<void>;
  getMerchant(id: string): Promise<MerchantRecord | undefined>;
  /**
   * The merchant with its row version (migration 11): the database raises it at every change of
   * the row, whoever makes it. A payment decided on this read passes it to insertPayment.
   */
  getMerchantVersioned(id: string): Promise<VersionedMerchant | undefined>;
  /** Oldest first, keyset-paged on (createdAt, id). */
  listMerchants(q: { limit: number; after?: Keyset }): Promise<MerchantRecord[]>;
  setMerchantSecrets(id: string, secrets: string[]): Promise<void>;
  /**
   * The sealing key was lost (`esipay db reset-secrets`): every merchant gets one new secret,
   * sealed under this store's key, which becomes the database's; what was sealed before is not read.
   */
  resetMerchantSecrets(newSecret: () => string): Promise<{ id: string; secret: string }[]>;

  /**
   * Inserts, or when (merchantId, idemKey) already exists returns the existing transaction untouched.
   * `opts.outbox` is queued in the same database transaction as the insert, and only when the row
   * is inserted: a payment written with its final status (a V4 initial payment) and its IPN are
   * both stored or both absent, and a replay queues nothing.
   */
  insertTransaction(t: TransactionRecord, opts?: WithOutbox): Promise<Inserted<TransactionRecord>>;
  /**
   * insertTransaction for a payment decided on a merchant read earlier, maybe long ago (the
   * engine keeps the merchants it read): inserts only while the merchant's row is still at
   * `merchantVersion`, which the insert checks itself, in the same statement or transaction, so
   * the payment needs no read of the merchant before it. Otherwise nothing is written and the
   * answer says the merchant changed: the caller reads it again and decides anew.
   */
  insertPayment(t: TransactionRecord, merchantVersion: number): Promise<InsertedPayment>;
  getTransaction(id: string): Promise<TransactionRecord | undefined>;
  findTransactionByIdemKey(merchantId: string, idemKey: string): Promise<TransactionRecord | undefined>;
  /**
   * Compare-and-set of the status: changes only a transaction whose status is one of `from`.
   * Returns the updated record, or undefined when it was not in one of those statuses.
   */
  transitionTransaction(id: string, from: TxStatus[], patch: TransactionPatch): Promise<TransactionRecord | undefined>;
  /** Newest first, keyset-paged on (createdAt, id) descending; served by an index. */
  listTransactions(q: TransactionQuery): Promise<TransactionRecord[]>;
  /**
   * Sums over a merchant's transactions for dashboards; what remains to ship counts the initial
   * authorisations not expired at `now` (the caller's clock, ISO-8601 UTC), as do the counts of
   * AUTHORISED and EXPIRED. Read from running totals the database keeps in the same transaction as
   * every write (migration 10): the cost does not grow with the history.
   */
  merchantTotals(merchantId: string, now: string): Promise<MerchantTotals>;

  /**
   * Atomically: the transaction is refundable (PAID, kind card/shipment/link), the amount fits in
   * what remains, the refund is recorded and the transaction's refunded sum grows. The check is
   * domain/decisions.ts's decideRefund, on the row as read under the adapter's lock.
   */
  addRefund(r: RefundRecord): Promise<MovementResult>;
  listRefunds(transactionId: string): Promise<RefundRecord[]>;

  /**
   * addRefund under the merchant's idempotency key, in the same database transaction as the
   * ceiling check: when (merchantId, key.idemKey) already holds a refund, nothing is written and
   * that refund comes back (replayed) if its request hash is key.requestHash, or is refused
   * (key_reused) if not. A unique index on (merchant_id, idem_key) decides between concurrent
   * requests with one key, whichever connection or instance they come through.
   */
  addKeyedRefund(r: RefundRecord, key: RefundKey): Promise<KeyedRefundResult>;
  /** The refund recorded under this merchant's idempotency key, with its request hash. */
  findRefundByKey(merchantId: string, idemKey: string): Promise<KeyedRefund | undefined>;

  /**
   * Atomically: the parent is an AUTHORISED initial transaction of the same merchant, not expired
   * at `now`, the amount fits in what remains to ship; the shipment is recorded (or, when its
   * idemKey already exists, the existing one is returned) and the parent's shipped sum grows.
   * The check is domain/decisions.ts's decideShipment, on the parent as read under the lock.
   */
  addShipment(shipment: TransactionRecord, now: string): Promise<ShipmentResult>;
  /**
   * Atomically: a PENDING shipment whose debit was refused or failed becomes DECLINED or FAILED
   * and its amount goes back to what its initial transaction may still ship (the parent's shipped
   * sum shrinks). Returns the updated shipment, or undefined when it was not a PENDING shipment.
   */
  releaseShipment(
    id: string,
    patch: { status: 'DECLINED' | 'FAILED'; reason: string; updatedAt: string },
  ): Promise<TransactionRecord | undefined>;
  listShipments(parentId: string): Promise<TransactionRecord[]>;

  /**
   * Cancels every PENDING transaction whose deadline has passed (abandoned by a stopped service:
   * a card payment, a link attempt, a shipment, an initial verification), each a compare-and-set
   * on its status so concurrent callers report each one once. A cancelled shipment's amount goes
   * back to what its initial may ship (the parent's shipped sum shrinks) in the same database
   * transaction. Returns their ids.
   */
  cancelAbandonedPayments(now: string): Promise<string[]>;

  insertLink(l: LinkRecord): Promise<Inserted<LinkRecord>>;
  getLink(id: string): Promise<LinkRecord | undefined>;
  getLinkByTokenHash(tokenHash: string): Promise<LinkRecord | undefined>;
  listLinks(q: { merchantId: string; limit: number; before?: Keyset }): Promise<LinkRecord[]>;
  /** Compare-and-set open → paid with its transaction; false when it was already paid. */
  markLinkPaid(id: string, transactionId: string, now: string): Promise<boolean>;

  /**
   * Atomically, a link paid by one of its attempts: the attempt goes PENDING → `patch.status`
   * (PAID/AUTHORISED), the link open → paid with it, its later debits are scheduled and the
   * link.paid callback is queued. All or nothing, so a stop can never leave a paid link without
   * its instalments or its callback, nor an approved attempt beside an open link. Returns the
   * settled attempt, or undefined (nothing changed) when the attempt was no longer PENDING or the
   * link no longer open.
   */
  settleLinkPayment(p: {
    linkId: string;
    transactionId: string;
    patch: TransactionPatch;
    debits: ScheduledDebitRecord[];
    callback: OutboxRecord;
  }): Promise<TransactionRecord | undefined>;
  insertScheduledDebits(rows: ScheduledDebitRecord[]): Promise<void>;
  listScheduledDebits(linkId: string): Promise<ScheduledDebitRecord[]>;
  /** Takes up to `limit` scheduled debits due at `now` that no one holds, and holds them until `leaseUntil`. */
  claimDueDebits(now: string, leaseUntil: string, limit: number): Promise<ScheduledDebitRecord[]>;
  /**
   * Records the outcome of a debit (and releases its hold); a failed one may be retried by setting a
   * later dueAt. A compare-and-set: only a debit still 'scheduled' changes (paid and failed are
   * final), so two workers that both took a debit (a lease outlived) settle it once. Returns
   * whether it changed. `opts.outbox` (the link.debit callback) is queued in the same database
   * transaction, only when it changed.
   */
  settleScheduledDebit(id: string, patch: ScheduledDebitPatch, opts?: WithOutbox): Promise<boolean>;

  enqueueOutbox(m: OutboxRecord): Promise<void>;
  /**
   * Takes up to `limit` undelivered messages due at `now`, and pushes their next attempt to
   * `leaseUntil` so no other instance takes them meanwhile (SKIP LOCKED on PostgreSQL).
   */
  claimOutbox(now: string, leaseUntil: string, limit: number): Promise<OutboxRecord[]>;
  markOutboxDelivered(id: string, at: string): Promise<void>;
  markOutboxFailed(id: string, nextAttemptAt: string, error: string): Promise<void>;
  listOutbox(q: { merchantId?: string; topic?: string; limit: number }): Promise<OutboxRecord[]>;
  /** How many messages are not delivered yet, and when the oldest of them was written (for /metrics). */
  outboxStats(): Promise<{ pending: number; oldestPendingAt: string | null }>;

  close(): Promise<void>;

  /**
   * Compare-and-set PENDING → the outcome of a transaction written PENDING before its acquirer
   * was asked (a V4 initial verification), with what only the answer gives (card token, expiry),
   * and the message that announces it (the IPN) queued in the same database transaction, only
   * when the row changed. Returns the settled record, or undefined when it was no longer PENDING
   * (a sweep cancelled it): nothing is written then.
   */
  settlePending(id: string, patch: SettlePatch, opts?: WithOutbox): Promise<TransactionRecord | undefined>;

  // Merchant lifecycle (update, disable, enable): one statement that changes and reads back.
  /** Applies the patch (undefined fields left as they are); the merchant as it now is, or undefined when unknown. */
  updateMerchant(id: string, patch: MerchantPatch): Promise<MerchantRecord | undefined>;

  // The V4 API's lookups (server/v4): a merchant by its shop number, a refund by its uuid.

  /** The merchant whose 8-digit V4 shop number this is. */
  getMerchantByShopId(shopId: string): Promise<MerchantRecord | undefined>;
  /** One refund by its id (on the V4 API a refund is a transaction of its own). */
  getRefund(id: string): Promise<RefundRecord | undefined>;
  /** Keeps the details of a hosted-page order until it expires; drops those that expired before `r.createdAt`. */
  putV4FormDetails(r: V4FormDetailsRecord): Promise<void>;
  getV4FormDetails(nonce: string): Promise<V4FormDetailsRecord | undefined>;

  // Events (migration 8): the outbox rows that are messages to merchants, with their attempts.

  /** claimOutbox, the messages as events: the deliverer needs when each one's retry horizon began (resentAt). */
  claimEvents(now: string, leaseUntil: string, limit: number): Promise<EventRecord[]>;
  /**
   * A delivery attempt and the outcome it leaves the event in, in one write (the one that
   * marks or reschedules the message): the attempt is in the history exactly when the outcome is.
   */
  recordOutboxAttempt(id: string, attempt: EventAttemptRecord, outcome: AttemptOutcome): Promise<void>;
  /** Newest first, keyset-paged on (createdAt, id) descending. */
  listEvents(q: EventQuery): Promise<EventRecord[]>;
  getEvents(ids: string[]): Promise<EventRecord[]>;
  /** One event's attempts and resends, oldest first. */
  listEventAttempts(eventId: string): Promise<EventAttemptRecord[]>;
  /**
   * Queues an event again, due at `resend.at`, whatever its status (delivered and dead too), and
   * records the resend in its history, in one write. Undefined when there is no such event.
   */
  resendEvent(id: string, resend: EventAttemptRecord): Promise<EventRecord | undefined>;
  /** What happened after the keysets, oldest first: events queued, attempts (and resends) recorded. */
  eventsSince(q: EventsSinceQuery): Promise<EventsSince>;
  /** How many events are in each status (verify counts the dead ones). */
  countEvents(): Promise<Record<EventStatus, number>>;
}

/** What a V4 formToken's order sent that its payment echoes (JSON), kept until the token expires. */
export interface V4FormDetailsRecord {
  nonce: string;
  merchantId: string;
  details: string;
  expiresAt: string;
  createdAt: string;
}

export interface EventsSinceQuery {
  events: Keyset;
  /** An attempt's keyset: its time (`createdAt`) and id. */
  attempts: Keyset;
  limit: number;
}

export interface EventsSince {
  events: EventRecord[];
  attempts: EventAttemptRecord[];
}

export interface EventQuery {
  limit: number;
  merchantId?: string;
  transactionId?: string;
  type?: string;
  status?: EventStatus;
  /** Only events strictly older than this keyset. */
  before?: Keyset;
}

/** What settling a PENDING transaction may set besides a TransactionPatch's fields. */
export type SettlePatch = TransactionPatch & Partial<Pick<TransactionRecord, 'cardToken' | 'expiresAt'>>;

/** An idempotent insert: written, or the record that already held its key, untouched. */
export type Inserted<T> = { inserted: true } | { inserted: false; existing: T };

/** Store.insertPayment: as an insert, or nothing written because the merchant changed since it was read. */
export type InsertedPayment = Inserted<TransactionRecord> | { inserted: false; merchantChanged: true };

/** A merchant as read, with its row version (see Store.getMerchantVersioned). */
export interface VersionedMerchant {
  merchant: MerchantRecord;
  version: number;
}

/** What an operator may change of a merchant after registration (its uuid, currency and history stay). */
export type MerchantPatch = Partial<Pick<MerchantRecord, 'name' | 'ip' | 'returnUrl' | 'notificationUrl' | 'disabledAt'>>;

/** A message to queue in the same database transaction as the state change that causes it. */
export interface WithOutbox {
  outbox?: OutboxRecord;
}

/** What settling a scheduled debit may change; a failed one may be retried by setting a later dueAt. */
export interface ScheduledDebitPatch {
  status: ScheduledDebitRecord['status'];
  transactionId?: string | null;
  lastError?: string | null;
  dueAt?: string;
  cardToken?: string | null;
  updatedAt: string;
}

export interface Keyset {
  createdAt: string;
  id: string;
}

export interface TransactionQuery {
  merchantId: string;
  limit: number;
  /** Only rows strictly older than this keyset. */
  before?: Keyset;
  kinds?: string[];
  /** Only the children of this transaction (shipments of an initial one). */
  parentId?: string;
  /** Only top-level transactions (no shipments): for lists that nest shipments under their parent. */
  topLevel?: boolean;
  /** Only transactions with this merchant reference (v2 cid, V4 orderId): V4 Order/Get. */
  cid?: string;
  // The filters of tx list and tx export: WHERE clauses beside the keyset (sql/transaction-query.ts).
  /** Only these displayed statuses, as domain/transaction-status.ts's displayStatus reads them at `now`. */
  statuses?: TxDisplayStatus[];
  /** Only rows created at or after this ISO-8601 UTC time. */
  since?: string;
  /** Only rows created before this ISO-8601 UTC time. */
  until?: string;
  /** The caller's clock (ISO-8601 UTC), for the statuses that depend on it (AUTHORISED, EXPIRED). */
  now?: string;
}

export type TransactionPatch = Partial<
  Pick<TransactionRecord, 'status' | 'authCode' | 'reason' | 'callbackStatus' | 'callbackError' | 'deadlineAt' | 'updatedAt'>
> & { status: TxStatus; updatedAt: string };

export type MovementResult =
  | { ok: true; transaction: TransactionRecord }
  | { ok: false; reason: 'not_found' | 'not_refundable' | 'exceeds_remaining'; transaction?: TransactionRecord };

/** A refund's idempotency key (per merchant) and the fingerprint of the request first sent with it. */
export interface RefundKey {
  idemKey: string;
  requestHash: string;
}

/** A refund written under a key, and the fingerprint of the request that wrote it. */
export interface KeyedRefund {
  refund: RefundRecord;
  requestHash: string;
}

export type KeyedRefundResult =
  /** The refund and its transaction as it now stands; replayed: the key's first refund, nothing written. */
  | { ok: true; transaction: TransactionRecord; refund: RefundRecord; replayed: boolean }
  /** The key already holds a refund of another request (another transaction or amount). */
  | { ok: false; reason: 'key_reused'; refund: RefundRecord }
  | Extract<MovementResult, { ok: false }>;

export type ShipmentResult =
  | { ok: true; shipment: TransactionRecord; parent: TransactionRecord; replayed: boolean }
  | {
      ok: false;
      reason: 'not_found' | 'not_initial' | 'not_authorised' | 'expired' | 'exceeds_remaining' | 'duplicate_mismatch';
      parent?: TransactionRecord;
      existing?: TransactionRecord;
    };

/**
 * A sum of minor units as a string of decimal digits ("27021597764222973"): exact at any size,
 * where a JSON number (a double) is exact only up to 2^53. Each transaction's amount stays a
 * number (it is at most 2^53 - 1 by validation); only sums can pass that.
 */
export type MinorSum = string;

export interface MerchantTotals {
  /** Sum of PAID card, link and shipment amounts. */
  paid: MinorSum;
  refunded: MinorSum;
  /** What AUTHORISED, unexpired initial transactions still allow to ship. */
  toShip: MinorSum;
  count: number;
  currency: string | null;
  /** How many transactions are in each status as shown (displayStatus at the caller's `now`). */
  byStatus: Record<TxDisplayStatus, number>;
}

export interface MigrationStatus {
  current: number;
  latest: number;
  applied: { version: number; name: string; appliedAt: string }[];
  pending: { version: number; name: string }[];
}
