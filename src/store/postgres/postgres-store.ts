import type pg from 'pg';
import type {
  LinkRecord,
  MerchantRecord,
  OutboxRecord,
  RefundRecord,
  ScheduledDebitRecord,
  TransactionRecord,
  TxStatus,
} from '../../domain/types.js';
import { decideRefund, decideShipment } from '../../domain/decisions.js';
import { EsipayError } from '../../domain/errors.js';
import { printableLocation } from '../location.js';
import { CREATE_SCHEMA_MIGRATIONS, migrationStatusOf } from '../sql/migration.js';
import {
  type Row,
  linkFromRow,
  linkToRow,
  merchantFromRow,
  merchantToRow,
  outboxFromRow,
  outboxToRow,
  refundFromRow,
  refundToRow,
  scheduledDebitFromRow,
  scheduledDebitToRow,
  transactionFromRow,
  transactionPatchColumns,
  transactionToRow,
  v4FormDetailsFromRow,
  v4FormDetailsToRow,
} from '../sql/rows.js';
import type { AttemptOutcome, EventAttemptRecord, EventRecord, EventStatus } from '../../domain/events.js';
import {
  attemptFromRow,
  attemptsAfterSql,
  attemptToRow,
  COUNT_EVENTS_SQL,
  eventColumns,
  eventCounts,
  eventFromRow,
  eventsAfterSql,
  eventWhere,
  outcomeSet,
  resendSet,
} from '../sql/events.js';
import { keyedRefundFromRow, refundKeyColumns, replayOfKey } from '../sql/refund-keys.js';
import { merchantTotalsFromRow, merchantTotalsSql, totalsTimes } from '../sql/totals.js';
import { listTransactionsSql } from '../sql/transaction-query.js';
import { merchantPatchColumns } from '../sql/merchant-patch.js';
import type { MerchantPatch } from '../store.js';
import type {
  KeyedRefund,
  KeyedRefundResult,
  Keyset,
  MerchantTotals,
  MigrationStatus,
  MovementResult,
  RefundKey,
  ScheduledDebitPatch,
  ShipmentResult,
  Store,
  TransactionPatch,
  V4FormDetailsRecord,
  EventQuery,
  EventsSince,
  EventsSinceQuery,
  TransactionQuery,
  Inserted,
  InsertedPayment,
  VersionedMerchant,
  WithOutbox,
} from '../store.js';
import { SECRET_KEY_ID_SETTING, SecretSealer } from '../secret-sealer.js';
import { secretKeyFromEnv } from '../secret-key.js';
import { SEAL_SECRETS_MIGRATION, sealClearSecrets } from '../sql/sealed-secrets.js';
import { ConnectionLoss, isConnectionLoss } from './connection-loss.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { createPool, isQueryTimeout, isUnavailable, translate } from './pool.js';
import type { Queryable, StorePool } from './pool.js';
import { isStaleStatement, StatementNames } from './prepared.js';
import { insertOf, Params } from './sql.js';
import { ABANDONED_REASON_SQL } from '../sql/abandoned.js';
import { settlePatchColumns } from '../sql/rows.js';
import type { SettlePatch } from '../store.js';

/** pg_advisory_xact_lock key for migrations: 'esip' in ASCII. Advisory locks are per database. */
const MIGRATION_LOCK_KEY = 0x65736970;

/**
 * The shared store for several `esipay serve` instances: one PostgreSQL database through a pool.
 * Nothing about money is decided in process memory, so it holds across instances:
 * - a refund or a shipment locks its parent row (SELECT … FOR UPDATE) in a transaction, then
 *   checks what remains, inserts and updates: concurrent movements on one transaction queue on
 *   that row, wherever they come from (and CHECK constraints back this up);
 * - idempotent inserts lean on the unique indexes (INSERT … ON CONFLICT DO NOTHING, then read
 *   the row that won);
 * - outbox messages and due debits are claimed with FOR UPDATE SKIP LOCKED, so two instances
 *   never take the same one;
 * - status changes are compare-and-set UPDATEs.
 * See docs/scaling.md for why row locks rather than SERIALIZABLE. What may be refunded or shipped
 * is decided by domain/decisions.ts, on the row read under its lock.
 *
 * A connection lost under it (see connection-loss.ts) fails the request on it as unavailable and
 * is never an unhandled 'error' event: every connection of the pool has a listener (pool.ts).
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly location: string;
  private readonly pool: StorePool;
  private readonly loss: ConnectionLoss;
  private readonly names = new StatementNames();
  private closed = false;

  /** Seals the merchant secrets this store writes and opens those it reads. */
  private readonly sealer: SecretSealer;

  constructor(
    private readonly url: string,
    opts: { log?: (line: string) => void; sealer?: SecretSealer } = {},
  ) {
    this.sealer = opts.sealer ?? new SecretSealer(secretKeyFromEnv());
    this.location = printableLocation(url);
    this.loss = new ConnectionLoss(url, opts.log ?? ((line) => process.stderr.write(`${line}\n`)));
    this.pool = createPool(url, this.loss);
  }

  private async query(sql: string, values: unknown[] = [], on: Queryable = this.pool): Promise<Row[]> {
    try {
      return (await on.query({ text: sql, values })).rows as Row[];
    } catch (e) {
      this.loss.failed(e);
      translate(e, this.url);
    }
  }

  /**
   * One statement on the pool (so its own transaction), prepared: see prepared.ts. A name the
   * server refused is retried once unnamed (nothing ran), on the connection the pool lends next.
   */
  private async prepared(sql: string, values: unknown[] = []): Promise<Row[]> {
    const name = this.names.of(sql);
    if (name === undefined) return this.query(sql, values);
    try {
      return (await this.pool.query({ name, text: sql, values })).rows as Row[];
    } catch (e) {
      if (isStaleStatement(e)) return this.query(sql, values);
      this.loss.failed(e);
      translate(e, this.url);
    }
  }

  private async one(sql: string, values: unknown[] = [], on: Queryable = this.pool): Promise<Row | undefined> {
    return (await this.query(sql, values, on))[0];
  }

  /** The first row of a prepared statement on the pool, or of a plain one inside a transaction. */
  private async first(sql: string, values: unknown[], on: Queryable = this.pool): Promise<Row | undefined> {
    return (await (on === this.pool ? this.prepared(sql, values) : this.query(sql, values, on)))[0];
  }

  /** Runs fn in BEGIN … COMMIT on one connection (ROLLBACK if it throws). */
  private async transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    // A connection lost while this holds it (terminated between two queries, or under one) is
    // handed back with its error, so the pool drops it rather than lend it again.
    let broken: Error | undefined;
    const lost = (e: Error) => (broken ??= e);
    for (let attempt = 1; ; attempt++) {
      try {
        client = await this.pool.connect();
      } catch (e) {
        translate(e, this.url);
      }
      client.on('error', lost);
      try {
        await client.query('BEGIN');
        break;
      } catch (e) {
        // An idle connection the server dropped (terminated, restarted) fails at BEGIN, before
        // anything ran: one more try on a fresh connection is safe, and hides the stale one.
        client.removeListener('error', lost);
        client.release((broken ?? e) as Error);
        broken = undefined;
        this.loss.failed(e); // heard at once: a failover pool re-picks its host before the retry
        if (attempt >= 2 || !isConnectionLoss(e)) translate(e, this.url);
      }
    }
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      this.loss.failed(e); // the query's own error comes first and names the cause best
      // A query that missed its deadline still holds the connection: a ROLLBACK would queue
      // behind it and wait as long again. Dropping the connection rolls the transaction back
      // (unless its COMMIT got there: then the outcome is the server's, as after any lost answer).
      if (isQueryTimeout(e)) broken ??= e as Error;
      if (!broken) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error; // the connection is unusable: the pool must drop it
        }
      }
      // Whatever fn made of a connection that broke under it, the cause is the broken connection.
      translate(broken && !(e instanceof EsipayError) && !isUnavailable(e) ? broken : e, this.url);
    } finally {
      client.removeListener('error', lost);
      client.release(broken);
    }
  }

  async migrate(): Promise<MigrationStatus> {
    for (const m of POSTGRES_MIGRATIONS) {
      await this.transaction(async (c) => {
        // Instances starting together queue here; the first applies, the others find it done.
        await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
        await c.query(CREATE_SCHEMA_MIGRATIONS);
        const done = await c.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
        if (done.rowCount) return;
        await c.query(m.sql);
        if (m.version === SEAL_SECRETS_MIGRATION.version) await this.sealClearSecrets(c);
        // The wall clock, not the engine's: when the schema really changed, for the operator.
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          new Date().toISOString(),
        ]);
      });
    }
    return this.migrationStatus();
  }

  /** Migration 9, in its transaction: the secrets still in clear are sealed, the key id recorded first. */
  private async sealClearSecrets(c: pg.PoolClient): Promise<void> {
    const sealed = sealClearSecrets(await this.query('SELECT id, secrets FROM merchants FOR UPDATE', [], c), this.sealer);
    if (sealed.length === 0) return;
    await this.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
      [SECRET_KEY_ID_SETTING, this.sealer.keyId()],
      c,
    );
    this.sealer.checkStored(String((await this.one('SELECT value FROM settings WHERE key = $1', [SECRET_KEY_ID_SETTING], c))!.value));
    for (const r of sealed) await this.query('UPDATE merchants SET secrets = $1 WHERE id = $2', [r.secrets, r.id], c);
  }

  async migrationStatus(): Promise<MigrationStatus> {
    const exists = await this.one(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
    const applied = exists?.present ? await this.query('SELECT version, name, applied_at FROM schema_migrations ORDER BY version') : [];
    return migrationStatusOf(applied, POSTGRES_MIGRATIONS);
  }

  async getSetting(key: string): Promise<string | undefined> {
    const r = await this.first('SELECT value FROM settings WHERE key = $1', [key]);
    return r ? String(r.value) : undefined;
  }

  async initSetting(key: string, value: string): Promise<string> {
    await this.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
    // ON CONFLICT waited for a concurrent writer to commit, so its value is visible now.
    return String((await this.one('SELECT value FROM settings WHERE key = $1', [key]))!.value);
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
      key,
      value,
    ]);
  }

  async insertMerchant(m: MerchantRecord): Promise<void> {
    await this.sealer.recordKeyIn(this);
    const q = insertOf('merchants', merchantToRow(m, this.sealer));
    await this.query(q.text, q.values);
  }

  async getMerchant(id: string): Promise<MerchantRecord | undefined> {
    return (await this.getMerchantVersioned(id))?.merchant;
  }

  async getMerchantVersioned(id: string): Promise<VersionedMerchant | undefined> {
    const r = await this.first('SELECT * FROM merchants WHERE id = $1', [id]);
    return r ? { merchant: merchantFromRow(r, this.sealer), version: Number(r.version) } : undefined;
  }

  async listMerchants(q: { limit: number; after?: Keyset }): Promise<MerchantRecord[]> {
    const rows = q.after
      ? await this.query('SELECT * FROM merchants WHERE (created_at, id) > ($1, $2) ORDER BY created_at, id LIMIT $3', [
          q.after.createdAt,
          q.after.id,
          q.limit,
        ])
      : await this.query('SELECT * FROM merchants ORDER BY created_at, id LIMIT $1', [q.limit]);
    return rows.map((r) => merchantFromRow(r, this.sealer));
  }

  async setMerchantSecrets(id: string, secrets: string[]): Promise<void> {
    await this.sealer.recordKeyIn(this);
    await this.query('UPDATE merchants SET secrets = $1 WHERE id = $2', [this.sealer.seal(id, secrets), id]);
  }

  async resetMerchantSecrets(newSecret: () => string): Promise<{ id: string; secret: string }[]> {
    const keyId = this.sealer.keyId();
    const reset = await this.transaction(async (c) => {
      await this.query(
        'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [SECRET_KEY_ID_SETTING, keyId],
        c,
      );
      const done: { id: string; secret: string }[] = [];
      for (const r of await this.query('SELECT id FROM merchants ORDER BY created_at, id FOR UPDATE', [], c)) {
        const id = String(r.id);
        const secret = newSecret();
        await this.query('UPDATE merchants SET secrets = $1 WHERE id = $2', [this.sealer.seal(id, [secret]), id], c);
        done.push({ id, secret });
      }
      return done;
    });
    this.sealer.checkStored(keyId);
    return reset;
  }

  async insertTransaction(t: TransactionRecord, opts: WithOutbox = {}): Promise<Inserted<TransactionRecord>> {
    const { outbox } = opts;
    // A message to queue with it needs a database transaction; a bare insert is one statement.
    return outbox ? this.transaction((c) => this.insertTransactionOn(c, t, outbox)) : this.insertTransactionOn(this.pool, t);
  }

  private async insertTransactionOn(on: Queryable, t: TransactionRecord, outbox?: OutboxRecord): Promise<Inserted<TransactionRecord>> {
    const q = insertOf('transactions', transactionToRow(t));
    if (t.idemKey === null) {
      await this.first(q.text, q.values, on);
      if (outbox) await this.insertOutbox(outbox, on);
      return { inserted: true };
    }
    // The unique index decides between instances: the loser's insert does nothing (after waiting
    // for the winner to commit) and reads the winner's row (each statement of READ COMMITTED
    // sees what committed before it began, so this holds inside a transaction too).
    const inserted = await this.first(
      `${q.text} ON CONFLICT (merchant_id, idem_key) WHERE idem_key IS NOT NULL DO NOTHING RETURNING id`,
      q.values,
      on,
    );
    if (inserted) {
      if (outbox) await this.insertOutbox(outbox, on);
      return { inserted: true };
    }
    const existing = await this.findTransactionByIdemKey(t.merchantId, t.idemKey, on);
    if (!existing) throw new Error(`transaction with idempotency key ${t.idemKey} conflicted but cannot be read back`);
    return { inserted: false, existing };
  }

  async insertPayment(t: TransactionRecord, merchantVersion: number): Promise<InsertedPayment> {
    const row = transactionToRow(t);
    const cols = Object.keys(row);
    const values = Object.values(row);
    const m = values.length + 1;
    const onConflict = t.idemKey === null ? '' : ' ON CONFLICT (merchant_id, idem_key) WHERE idem_key IS NOT NULL DO NOTHING';
    // One statement, one round trip: the merchant's version is checked by the insert itself (the
    // SELECT's parameters take the types of the columns they fill).
    const inserted = await this.first(
      `INSERT INTO transactions (${cols.join(', ')}) SELECT ${cols.map((_, i) => `$${i + 1}`).join(', ')}` +
        ` WHERE EXISTS (SELECT 1 FROM merchants WHERE id = $${m} AND version = $${m + 1})${onConflict} RETURNING id`,
      [...values, t.merchantId, merchantVersion],
    );
    if (inserted) return { inserted: true };
    // Nothing written: the merchant moved on, or (at the same version, as versions only grow) the
    // idempotency key is taken. A version read after a conflict may be newer still: the caller
    // then reads the merchant again and meets the existing row on its next try.
    const current = await this.first('SELECT version FROM merchants WHERE id = $1', [t.merchantId]);
    if (!current || Number(current.version) !== merchantVersion || t.idemKey === null) return { inserted: false, merchantChanged: true };
    const existing = await this.findTransactionByIdemKey(t.merchantId, t.idemKey);
    if (!existing) throw new Error(`transaction with idempotency key ${t.idemKey} conflicted but cannot be read back`);
    return { inserted: false, existing };
  }

  async getTransaction(id: string): Promise<TransactionRecord | undefined> {
    const r = await this.first('SELECT * FROM transactions WHERE id = $1', [id]);
    return r ? transactionFromRow(r) : undefined;
  }

  async findTransactionByIdemKey(merchantId: string, idemKey: string, on: Queryable = this.pool): Promise<TransactionRecord | undefined> {
    const r = await this.first('SELECT * FROM transactions WHERE merchant_id = $1 AND idem_key = $2', [merchantId, idemKey], on);
    return r ? transactionFromRow(r) : undefined;
  }

  async transitionTransaction(id: string, from: TxStatus[], patch: TransactionPatch): Promise<TransactionRecord | undefined> {
    const p = new Params();
    const sets = Object.entries(transactionPatchColumns(patch)).map(([col, value]) => `${col} = ${p.add(value)}`);
    const r = await this.first(
      `UPDATE transactions SET ${sets.join(', ')} WHERE id = ${p.add(id)} AND status = ANY(${p.add(from)}::text[]) RETURNING *`,
      p.values,
    );
    return r ? transactionFromRow(r) : undefined;
  }

  async listTransactions(q: TransactionQuery): Promise<TransactionRecord[]> {
    const p = new Params();
    const sql = listTransactionsSql(q, (value) => p.add(value));
    return (await this.query(sql, p.values)).map(transactionFromRow);
  }

  async merchantTotals(merchantId: string, now: string): Promise<MerchantTotals> {
    const t = totalsTimes(now);
    const sql = merchantTotalsSql({ merchantId: '$1', now: '$2', today: '$3', tomorrow: '$4' });
    return merchantTotalsFromRow((await this.one(sql, [merchantId, t.now, t.today, t.tomorrow]))!);
  }

  async addRefund(refund: RefundRecord): Promise<MovementResult> {
    return this.transaction((c) => this.recordRefund(c, refund));
  }

  /**
   * The refund's check and write on the caller's transaction, the payment row locked first.
   * With a key, nothing is written when another refund holds it (undefined: it committed while
   * this one waited), before the check, which that refund may have changed.
   */
  private async recordRefund(c: pg.PoolClient, refund: RefundRecord): Promise<MovementResult>;
  private async recordRefund(c: pg.PoolClient, refund: RefundRecord, key: RefundKey): Promise<MovementResult | undefined>;
  private async recordRefund(c: pg.PoolClient, refund: RefundRecord, key?: RefundKey): Promise<MovementResult | undefined> {
    // The row lock makes concurrent refunds of this transaction, from any instance, wait here
    // and then read the refunded sum the previous one committed.
    const row = await this.one('SELECT * FROM transactions WHERE id = $1 FOR UPDATE', [refund.transactionId], c);
    // A request with this key that committed while this one waited for the lock is seen now.
    if (key && (await this.findRefundByKey(refund.merchantId, key.idemKey, c))) return undefined;
    const decision = decideRefund(row ? transactionFromRow(row) : undefined, refund);
    if (!decision.ok) return decision;
    const tx = decision.transaction;
    if (key) {
      const ins = insertOf('refunds', { ...refundToRow(refund), ...refundKeyColumns(key) });
      // The unique index decides against a request with the same key on another payment (so
      // under another row lock): this insert waits for it to commit, then does nothing.
      const inserted = await this.query(
        `${ins.text} ON CONFLICT (merchant_id, idem_key) WHERE idem_key IS NOT NULL DO NOTHING RETURNING id`,
        ins.values,
        c,
      );
      if (inserted.length === 0) return undefined;
    } else {
      const ins = insertOf('refunds', refundToRow(refund));
      await this.query(ins.text, ins.values, c);
    }
    const updated = await this.one(
      'UPDATE transactions SET refunded = refunded + $1, updated_at = $2 WHERE id = $3 RETURNING *',
      [refund.amount, refund.createdAt, tx.id],
      c,
    );
    return { ok: true, transaction: transactionFromRow(updated!) };
  }

  async listRefunds(transactionId: string): Promise<RefundRecord[]> {
    return (await this.query('SELECT * FROM refunds WHERE transaction_id = $1 ORDER BY created_at, id', [transactionId])).map(
      refundFromRow,
    );
  }

  async addKeyedRefund(refund: RefundRecord, key: RefundKey): Promise<KeyedRefundResult> {
    return this.transaction(async (c): Promise<KeyedRefundResult> => {
      const replay = async (): Promise<KeyedRefundResult | undefined> => {
        const seen = await this.findRefundByKey(refund.merchantId, key.idemKey, c);
        if (!seen) return undefined;
        const tx = await this.one('SELECT * FROM transactions WHERE id = $1', [seen.refund.transactionId], c);
        return replayOfKey(seen, key, transactionFromRow(tx!));
      };
      // A replay needs no lock: the key's refund is committed and never changes.
      const early = await replay();
      if (early) return early;
      const result = await this.recordRefund(c, refund, key);
      if (!result) {
        const late = await replay();
        if (!late) throw new Error(`refund with idempotency key ${key.idemKey} conflicted but cannot be read back`);
        return late;
      }
      return result.ok ? { ...result, refund, replayed: false } : result;
    });
  }

  async findRefundByKey(merchantId: string, idemKey: string, on: Queryable = this.pool): Promise<KeyedRefund | undefined> {
    const r = await this.one('SELECT * FROM refunds WHERE merchant_id = $1 AND idem_key = $2', [merchantId, idemKey], on);
    return r ? keyedRefundFromRow(r) : undefined;
  }

  async addShipment(shipment: TransactionRecord, now: string): Promise<ShipmentResult> {
    return this.transaction(async (c): Promise<ShipmentResult> => {
      const replay = async (): Promise<ShipmentResult | undefined> => {
        if (shipment.idemKey === null) return undefined;
        const existing = await this.findTransactionByIdemKey(shipment.merchantId, shipment.idemKey, c);
        if (!existing) return undefined;
        if (existing.requestHash !== shipment.requestHash || existing.parentId !== shipment.parentId) {
          return { ok: false, reason: 'duplicate_mismatch', existing };
        }
        const parent = transactionFromRow((await this.one('SELECT * FROM transactions WHERE id = $1', [existing.parentId], c))!);
        return { ok: true, shipment: existing, parent, replayed: true };
      };

      const early = await replay();
      if (early) return early;
      const row = shipment.parentId
        ? await this.one('SELECT * FROM transactions WHERE id = $1 FOR UPDATE', [shipment.parentId], c)
        : undefined;
      if (!row) return { ok: false, reason: 'not_found' };
      // A retry with the same key may have committed while this one waited for the lock: it is
      // a replay, not a second shipment (and not "exceeds remaining" because of itself).
      const late = await replay();
      if (late) return late;
      const decision = decideShipment(transactionFromRow(row), shipment, now);
      if (!decision.ok) return decision;
      const { parent } = decision;

      const ins = insertOf('transactions', transactionToRow(shipment));
      const inserted =
        shipment.idemKey === null
          ? await this.query(`${ins.text} RETURNING id`, ins.values, c)
          : await this.query(
              `${ins.text} ON CONFLICT (merchant_id, idem_key) WHERE idem_key IS NOT NULL DO NOTHING RETURNING id`,
              ins.values,
              c,
            );
      if (inserted.length === 0) {
        // The same key committed meanwhile for another parent (so under another lock): that one stands.
        return (await replay()) ?? { ok: false, reason: 'duplicate_mismatch' };
      }
      const updated = await this.one(
        'UPDATE transactions SET shipped = shipped + $1, updated_at = $2 WHERE id = $3 RETURNING *',
        [shipment.amount, shipment.createdAt, parent.id],
        c,
      );
      return { ok: true, shipment, parent: transactionFromRow(updated!), replayed: false };
    });
  }

  async releaseShipment(
    id: string,
    patch: { status: 'DECLINED' | 'FAILED'; reason: string; updatedAt: string },
  ): Promise<TransactionRecord | undefined> {
    return this.transaction(async (c) => {
      // The compare-and-set on the shipment is what makes a release happen once: a concurrent
      // release waits on the row lock, then finds it no longer PENDING.
      const row = await this.one(
        `UPDATE transactions SET status = $1, reason = $2, updated_at = $3 WHERE id = $4 AND kind = 'shipment' AND status = 'PENDING' RETURNING *`,
        [patch.status, patch.reason, patch.updatedAt, id],
        c,
      );
      if (!row) return undefined;
      const shipment = transactionFromRow(row);
      await this.query(
        'UPDATE transactions SET shipped = shipped - $1, updated_at = $2 WHERE id = $3',
        [shipment.amount, patch.updatedAt, shipment.parentId],
        c,
      );
      return shipment;
    });
  }

  async listShipments(parentId: string): Promise<TransactionRecord[]> {
    return (await this.query('SELECT * FROM transactions WHERE parent_id = $1 ORDER BY created_at, id', [parentId])).map(
      transactionFromRow,
    );
  }

  async cancelAbandonedPayments(now: string): Promise<string[]> {
    // One statement: an instance running it at the same time waits on the row locks, then
    // re-checks status = 'PENDING' on the committed row and skips it, so each payment is cancelled
    // (and reported) by one instance only, and only the one that cancelled a shipment gives its
    // amount back to the initial, in the same transaction.
    const rows = await this.prepared(
      `WITH swept AS (
         UPDATE transactions SET status = 'CANCELLED', reason = ${ABANDONED_REASON_SQL}, updated_at = $1
         WHERE status = 'PENDING' AND deadline_at <= $1 RETURNING id, kind, parent_id, amount
       ), given_back AS (
         UPDATE transactions p SET shipped = p.shipped - s.total, updated_at = $1
         FROM (SELECT parent_id, SUM(amount) AS total FROM swept WHERE kind = 'shipment' GROUP BY parent_id) s
         WHERE p.id = s.parent_id
       )
       SELECT id FROM swept`,
      [now],
    );
    return rows.map((r) => String(r.id));
  }

  async insertLink(l: LinkRecord): Promise<Inserted<LinkRecord>> {
    const q = insertOf('links', linkToRow(l));
    const rows = await this.query(`${q.text} ON CONFLICT (merchant_id, payment_reference) DO NOTHING RETURNING id`, q.values);
    if (rows.length === 1) return { inserted: true };
    const existing = await this.one('SELECT * FROM links WHERE merchant_id = $1 AND payment_reference = $2', [
      l.merchantId,
      l.paymentReference,
    ]);
    if (!existing) throw new Error(`link ${l.paymentReference} conflicted but cannot be read back`);
    return { inserted: false, existing: linkFromRow(existing) };
  }

  async getLink(id: string): Promise<LinkRecord | undefined> {
    const r = await this.one('SELECT * FROM links WHERE id = $1', [id]);
    return r ? linkFromRow(r) : undefined;
  }

  async getLinkByTokenHash(tokenHash: string): Promise<LinkRecord | undefined> {
    const r = await this.one('SELECT * FROM links WHERE token_hash = $1', [tokenHash]);
    return r ? linkFromRow(r) : undefined;
  }

  async listLinks(q: { merchantId: string; limit: number; before?: Keyset }): Promise<LinkRecord[]> {
    const rows = q.before
      ? await this.query(
          `SELECT * FROM links WHERE merchant_id = $1 AND (created_at, id) < ($2, $3)
           ORDER BY created_at DESC, id DESC LIMIT $4`,
          [q.merchantId, q.before.createdAt, q.before.id, q.limit],
        )
      : await this.query('SELECT * FROM links WHERE merchant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2', [q.merchantId, q.limit]);
    return rows.map(linkFromRow);
  }

  async markLinkPaid(id: string, transactionId: string, now: string): Promise<boolean> {
    const rows = await this.query(
      `UPDATE links SET status = 'paid', transaction_id = $1, updated_at = $2 WHERE id = $3 AND status = 'open' RETURNING id`,
      [transactionId, now, id],
    );
    return rows.length === 1;
  }

  async settleLinkPayment(p: {
    linkId: string;
    transactionId: string;
    patch: TransactionPatch;
    debits: ScheduledDebitRecord[];
    callback: OutboxRecord;
  }): Promise<TransactionRecord | undefined> {
    return this.transaction(async (c) => {
      // The link row locked first: a concurrent settlement of the same link waits, then finds it paid.
      const open = await this.one(`SELECT 1 FROM links WHERE id = $1 AND status = 'open' FOR UPDATE`, [p.linkId], c);
      if (!open) return undefined;
      const q = new Params();
      const sets = Object.entries(transactionPatchColumns(p.patch)).map(([col, value]) => `${col} = ${q.add(value)}`);
      const settled = await this.one(
        `UPDATE transactions SET ${sets.join(', ')} WHERE id = ${q.add(p.transactionId)} AND status = 'PENDING' RETURNING *`,
        q.values,
        c,
      );
      if (!settled) return undefined;
      await this.query(
        `UPDATE links SET status = 'paid', transaction_id = $1, updated_at = $2 WHERE id = $3`,
        [p.transactionId, p.patch.updatedAt, p.linkId],
        c,
      );
      for (const d of p.debits) {
        const ins = insertOf('scheduled_debits', scheduledDebitToRow(d));
        await this.query(ins.text, ins.values, c);
      }
      await this.insertOutbox(p.callback, c);
      return transactionFromRow(settled);
    });
  }

  async insertScheduledDebits(rows: ScheduledDebitRecord[]): Promise<void> {
    await this.transaction(async (c) => {
      for (const d of rows) {
        const q = insertOf('scheduled_debits', scheduledDebitToRow(d));
        await this.query(q.text, q.values, c);
      }
    });
  }

  async listScheduledDebits(linkId: string): Promise<ScheduledDebitRecord[]> {
    return (await this.query('SELECT * FROM scheduled_debits WHERE link_id = $1 ORDER BY seq', [linkId])).map(scheduledDebitFromRow);
  }

  async claimDueDebits(now: string, leaseUntil: string, limit: number): Promise<ScheduledDebitRecord[]> {
    // SKIP LOCKED: rows another instance is claiming right now are passed over, not waited for;
    // once it commits, their claimed_until is in the future and they no longer qualify.
    const rows = await this.prepared(
      `WITH due AS (
         SELECT id FROM scheduled_debits
         WHERE status = 'scheduled' AND due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
         ORDER BY due_at LIMIT $3
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE scheduled_debits d SET claimed_until = $2, attempts = d.attempts + 1 FROM due WHERE d.id = due.id RETURNING d.*
       )
       SELECT * FROM claimed ORDER BY due_at, id`,
      [now, leaseUntil, limit],
    );
    return rows.map(scheduledDebitFromRow);
  }

  async settleScheduledDebit(id: string, patch: ScheduledDebitPatch, opts: WithOutbox = {}): Promise<boolean> {
    const p = new Params();
    const sets = [`status = ${p.add(patch.status)}`, `updated_at = ${p.add(patch.updatedAt)}`, 'claimed_until = NULL'];
    if (patch.transactionId !== undefined) sets.push(`transaction_id = ${p.add(patch.transactionId)}`);
    if (patch.lastError !== undefined) sets.push(`last_error = ${p.add(patch.lastError)}`);
    if (patch.dueAt !== undefined) sets.push(`due_at = ${p.add(patch.dueAt)}`);
    if (patch.cardToken !== undefined) sets.push(`card_token = ${p.add(patch.cardToken)}`);
    // Compare-and-set on 'scheduled': a concurrent settlement waits on the row lock, then finds
    // the committed row final and changes nothing.
    const settle = `UPDATE scheduled_debits SET ${sets.join(', ')} WHERE id = ${p.add(id)} AND status = 'scheduled' RETURNING id`;
    // With its message, one statement as in settlePending.
    const sql = opts.outbox ? `WITH settled AS (${settle}), ${this.outboxAfter(opts.outbox, 'settled', p)} SELECT id FROM settled` : settle;
    return (await this.first(sql, p.values)) !== undefined;
  }

  async enqueueOutbox(m: OutboxRecord): Promise<void> {
    await this.insertOutbox(m, this.pool);
  }

  /** The outbox row, on the caller's connection (inside its transaction when it holds one). */
  private async insertOutbox(m: OutboxRecord, on: Queryable): Promise<void> {
    const q = insertOf('outbox', { ...outboxToRow(m), ...eventColumns(m) });
    await this.query(q.text, q.values, on);
  }

  async claimOutbox(now: string, leaseUntil: string, limit: number): Promise<OutboxRecord[]> {
    return (await this.claimRows(now, leaseUntil, limit)).map(outboxFromRow);
  }

  private async claimRows(now: string, leaseUntil: string, limit: number): Promise<Row[]> {
    // As claimDueDebits; the records come back as they were before the lease (like SQLite's).
    const rows = await this.prepared(
      `WITH due AS (
         SELECT * FROM outbox
         WHERE delivered_at IS NULL AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT $3
         FOR UPDATE SKIP LOCKED
       ), leased AS (
         UPDATE outbox o SET next_attempt_at = $2 FROM due WHERE o.id = due.id
       )
       SELECT * FROM due ORDER BY next_attempt_at, id`,
      [now, leaseUntil, limit],
    );
    return rows;
  }

  async markOutboxDelivered(id: string, at: string): Promise<void> {
    await this.query(
      "UPDATE outbox SET delivered_at = $1, attempts = attempts + 1, last_error = NULL, status = 'delivered' WHERE id = $2",
      [at, id],
    );
  }

  async markOutboxFailed(id: string, nextAttemptAt: string, error: string): Promise<void> {
    await this.query("UPDATE outbox SET next_attempt_at = $1, attempts = attempts + 1, last_error = $2, status = 'failed' WHERE id = $3", [
      nextAttemptAt,
      error,
      id,
    ]);
  }

  async listOutbox(q: { merchantId?: string; topic?: string; limit: number }): Promise<OutboxRecord[]> {
    const p = new Params();
    const where: string[] = [];
    if (q.merchantId) where.push(`merchant_id = ${p.add(q.merchantId)}`);
    if (q.topic) where.push(`topic = ${p.add(q.topic)}`);
    const sql = `SELECT * FROM outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at, id LIMIT ${p.add(q.limit)}`;
    return (await this.query(sql, p.values)).map(outboxFromRow);
  }

  async outboxStats(): Promise<{ pending: number; oldestPendingAt: string | null }> {
    const [row] = await this.query(
      `SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL AND status <> 'dead'`,
      [],
    );
    return { pending: Number(row?.n ?? 0), oldestPendingAt: (row?.oldest as string | null | undefined) ?? null };
  }

  async settlePending(id: string, patch: SettlePatch, opts: WithOutbox = {}): Promise<TransactionRecord | undefined> {
    const p = new Params();
    const sets = Object.entries(settlePatchColumns(patch)).map(([col, value]) => `${col} = ${p.add(value)}`);
    const settle = `UPDATE transactions SET ${sets.join(', ')} WHERE id = ${p.add(id)} AND status = 'PENDING' RETURNING *`;
    // One statement, so atomic by itself: the row moved and its message queued, or neither,
    // without the round trips of BEGIN and COMMIT.
    const sql = opts.outbox ? `WITH settled AS (${settle}), ${this.outboxAfter(opts.outbox, 'settled', p)} SELECT * FROM settled` : settle;
    const row = await this.first(sql, p.values);
    return row ? transactionFromRow(row) : undefined;
  }

  /** A CTE that queues m only when the CTE `after` returned a row (the change it goes with happened). */
  private outboxAfter(m: OutboxRecord, after: string, p: Params): string {
    const row = { ...outboxToRow(m), ...eventColumns(m) };
    const cols = Object.keys(row);
    return `queued AS (INSERT INTO outbox (${cols.join(', ')}) SELECT ${cols.map((c) => p.add(row[c])).join(', ')} WHERE EXISTS (SELECT 1 FROM ${after}))`;
  }

  async getMerchantByShopId(shopId: string): Promise<MerchantRecord | undefined> {
    const r = await this.first('SELECT * FROM merchants WHERE shop_id = $1', [shopId]);
    return r ? merchantFromRow(r, this.sealer) : undefined;
  }

  async getRefund(id: string): Promise<RefundRecord | undefined> {
    const r = await this.one('SELECT * FROM refunds WHERE id = $1', [id]);
    return r ? refundFromRow(r) : undefined;
  }

  async putV4FormDetails(r: V4FormDetailsRecord): Promise<void> {
    const q = insertOf('v4_form_details', v4FormDetailsToRow(r));
    // One statement: the expired ones go as this one is written, without BEGIN and COMMIT.
    await this.query(`WITH expired AS (DELETE FROM v4_form_details WHERE expires_at < $${q.values.length + 1}) ${q.text}`, [
      ...q.values,
      r.createdAt,
    ]);
  }

  async getV4FormDetails(nonce: string): Promise<V4FormDetailsRecord | undefined> {
    const r = await this.one('SELECT * FROM v4_form_details WHERE nonce = $1', [nonce]);
    return r ? v4FormDetailsFromRow(r) : undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  async updateMerchant(id: string, patch: MerchantPatch): Promise<MerchantRecord | undefined> {
    const columns = Object.entries(merchantPatchColumns(patch));
    if (columns.length === 0) return this.getMerchant(id);
    const p = new Params();
    const sets = columns.map(([col, value]) => `${col} = ${p.add(value)}`);
    const r = await this.one(`UPDATE merchants SET ${sets.join(', ')} WHERE id = ${p.add(id)} RETURNING *`, p.values);
    return r ? merchantFromRow(r, this.sealer) : undefined;
  }

  // Events (migration 8): see src/store/sql/events.ts for what both adapters share.

  async claimEvents(now: string, leaseUntil: string, limit: number): Promise<EventRecord[]> {
    return (await this.claimRows(now, leaseUntil, limit)).map(eventFromRow);
  }

  async recordOutboxAttempt(id: string, attempt: EventAttemptRecord, outcome: AttemptOutcome): Promise<void> {
    // One statement, so atomic without a transaction: the attempt row and the outcome together.
    const p = new Params();
    const ins = attemptToRow(attempt);
    const cols = Object.keys(ins);
    const values = cols.map((c) => p.add(ins[c])).join(', ');
    const set = outcomeSet(outcome, attempt, (v) => p.add(v));
    await this.prepared(
      `WITH a AS (INSERT INTO outbox_attempts (${cols.join(', ')}) VALUES (${values}))
       UPDATE outbox SET ${set} WHERE id = ${p.add(id)}`,
      p.values,
    );
  }

  async listEvents(q: EventQuery): Promise<EventRecord[]> {
    const p = new Params();
    const where = eventWhere(q, (v) => p.add(v));
    const sql = `SELECT * FROM outbox WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ${p.add(q.limit)}`;
    return (await this.query(sql, p.values)).map(eventFromRow);
  }

  async getEvents(ids: string[]): Promise<EventRecord[]> {
    if (ids.length === 0) return [];
    return (await this.query('SELECT * FROM outbox WHERE event_type IS NOT NULL AND id = ANY($1::text[])', [ids])).map(eventFromRow);
  }

  async listEventAttempts(eventId: string): Promise<EventAttemptRecord[]> {
    return (await this.query('SELECT * FROM outbox_attempts WHERE event_id = $1 ORDER BY at, id', [eventId])).map(attemptFromRow);
  }

  async resendEvent(id: string, resend: EventAttemptRecord): Promise<EventRecord | undefined> {
    const p = new Params();
    const set = resendSet(resend.at, (v) => p.add(v));
    const sql = `UPDATE outbox SET ${set} WHERE id = ${p.add(id)} AND event_type IS NOT NULL RETURNING *`;
    // The row queued again and its resend recorded, or (no such event) neither.
    const row = await this.transaction(async (c) => {
      const updated = await this.one(sql, p.values, c);
      if (updated) {
        const ins = insertOf('outbox_attempts', attemptToRow(resend));
        await this.query(ins.text, ins.values, c);
      }
      return updated;
    });
    return row ? eventFromRow(row) : undefined;
  }

  async eventsSince(q: EventsSinceQuery): Promise<EventsSince> {
    const e = new Params();
    const a = new Params();
    const [events, attempts] = await Promise.all([
      this.query(
        eventsAfterSql(q.events, q.limit, (v) => e.add(v)),
        e.values,
      ),
      this.query(
        attemptsAfterSql(q.attempts, q.limit, (v) => a.add(v)),
        a.values,
      ),
    ]);
    return { events: events.map(eventFromRow), attempts: attempts.map(attemptFromRow) };
  }

  async countEvents(): Promise<Record<EventStatus, number>> {
    return eventCounts(await this.query(COUNT_EVENTS_SQL));
  }
}
