import Database from 'better-sqlite3';
import { readEnv } from '../../config/env.js';
import type {
  LinkRecord,
  MerchantRecord,
  OutboxRecord,
  RefundRecord,
  ScheduledDebitRecord,
  TransactionRecord,
  TxStatus,
} from '../../domain/types.js';
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
import { decideRefund, decideShipment } from '../../domain/decisions.js';
import { builtin } from '../../util/builtin.js';
import { onFirstUse } from '../../util/on-first-use.js';
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
import type { MerchantPatch } from '../store.js';
import { SECRET_KEY_ID_SETTING, SecretSealer } from '../secret-sealer.js';
import { secretKeyFromEnv } from '../secret-key.js';
import { createPrivateFile } from './file.js';
import type { Checkpointer } from './checkpointer.js';

type CheckpointerModule = typeof import('./checkpointer.js');
import { GroupCommit } from './group-commit.js';
import { SQLITE_MIGRATION_VERSIONS } from './migration-versions.js';
import { insertSql } from './sql.js';
import { settlePatchColumns } from '../sql/rows.js';
import type { SettlePatch } from '../store.js';

// What only some calls need, imported at the first of them: every local command opens this
// store, and a payment needs none of these.
const refundKeys = onFirstUse(() => import('../sql/refund-keys.js'));
const totalsSql = onFirstUse(() => import('../sql/totals.js'));
const transactionQuery = onFirstUse(() => import('../sql/transaction-query.js'));
const merchantPatch = onFirstUse(() => import('../sql/merchant-patch.js'));
const abandoned = onFirstUse(() => import('../sql/abandoned.js'));
const writeErrors = onFirstUse(() => import('./errors.js'));

// Built-ins without their ESM facades: every local command opens the store (src/util/builtin.ts).
const { mkdirSync } = builtin('node:fs');
const { dirname } = builtin('node:path');

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous, so each write
 * runs to completion before any other JavaScript runs; writes are queued and committed together
 * once per event-loop turn (group-commit.ts). Across processes (a CLI beside a running
 * `esipay serve`), BEGIN IMMEDIATE takes the write lock before reading what it checks, and
 * busy_timeout makes the other writer wait for it instead of failing.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();

  /** Seals the merchant secrets this store writes and opens those it reads. */
  private readonly sealer: SecretSealer;

  constructor(
    readonly location: string,
    opts: {
      cacheKiB?: number;
      sealer?: SecretSealer;
      /**
       * Checkpoints in a worker thread, off the request path (checkpointer.ts): for a long-lived
       * writer, `esipay serve`. A short command keeps SQLite's own (starting a thread costs more
       * than its few checkpoints). The module itself, which openStore imports only then: a command
       * does not pay for loading it.
       */
      checkpointer?: CheckpointerModule;
      /** The -wal size at which writes wait for the checkpointer to catch up (WAL_LIMIT_BYTES). */
      walLimitBytes?: number;
      /** Where the checkpointer's failures are said, one line each (default stderr). */
      log?: (line: string) => void;
    } = {},
  ) {
    this.sealer = opts.sealer ?? new SecretSealer(secretKeyFromEnv());
    if (location !== ':memory:' && location !== '') {
      mkdirSync(dirname(location), { recursive: true, mode: 0o700 });
      // Before SQLite opens it: the -wal and -shm files it makes take the database file's mode.
      createPrivateFile(location);
    }
    this.db = new Database(location);
    this.db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a process crash (not a power loss of the last commits): the
    // trade-off every WAL deployment makes; FULL is one ESIPAY_SQLITE_SYNC=FULL away.
    this.db.pragma(`synchronous = ${readEnv('ESIPAY_SQLITE_SYNC')}`);
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('foreign_keys = ON');
    // A write to transactions fires the running totals' triggers (migration 10), so SQLite keeps a
    // statement journal for it: in memory, not a temporary file per statement (measured: 26 → 8
    // µs of CPU per insert for the triggers).
    this.db.pragma('temp_store = MEMORY');
    if (opts.cacheKiB !== undefined) this.db.pragma(`cache_size = -${Math.max(64, Math.floor(opts.cacheKiB))}`);
    this.group = new GroupCommit(this.db);
    if (opts.checkpointer && location !== ':memory:' && location !== '') this.startCheckpointer(opts.checkpointer, opts);
  }
  private readonly group: GroupCommit;
  private checkpointer: Checkpointer | undefined;

  private startCheckpointer(
    { Checkpointer, WAL_LIMIT_BYTES }: CheckpointerModule,
    opts: { walLimitBytes?: number; log?: (line: string) => void },
  ): void {
    const limit = opts.walLimitBytes ?? WAL_LIMIT_BYTES;
    const log = opts.log ?? ((line: string) => void process.stderr.write(`esipay: ${line}\n`));
    const autocheckpoint = this.db.pragma('wal_autocheckpoint', { simple: true }) as number;
    this.db.pragma('wal_autocheckpoint = 0');
    const group = this.group;
    const checkpointer = new Checkpointer(
      this.location,
      String(readEnv('ESIPAY_SQLITE_SYNC')),
      this.db.pragma('page_size', { simple: true }) as number,
      {
        hold: () => group.hold(),
        release: () => group.release(),
        checkpointHere: () => {
          if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
          group.afterCommit = undefined;
        },
        log,
      },
      limit,
    );
    group.afterCommit = () => checkpointer.committed();
    this.checkpointer = checkpointer;
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  private get(sql: string, params: unknown = {}): Row | undefined {
    return this.stmt(sql).get(params as never) as Row | undefined;
  }

  private all(sql: string, params: unknown = {}): Row[] {
    return this.stmt(sql).all(params as never) as Row[];
  }

  private run(sql: string, params: unknown = {}): Database.RunResult {
    return this.stmt(sql).run(params as never);
  }

  /**
   * Runs fn in its own BEGIN IMMEDIATE … COMMIT, now (rolled back if it throws): for migrations,
   * which run before anything else. One transaction function, made once and given fn as its
   * argument: db.transaction() builds new wrappers on each call.
   */
  private writeNow<T>(fn: () => T): T {
    this.inWrite ??= this.db.transaction((f: () => unknown) => f());
    return this.inWrite.immediate(fn) as T;
  }
  private inWrite: Database.Transaction<(f: () => unknown) => unknown> | undefined;

  /**
   * Every write goes through here: fn runs atomically in the next group commit (group-commit.ts),
   * and the promise settles once it is committed.
   */
  private write<T>(fn: () => T): Promise<T> {
    return this.group.run(fn).catch(async (e: unknown) => {
      // Should the module itself not load (no file descriptor left), the write's own error stands.
      throw await writeErrors().then(
        (m) => m.sqliteWriteError(e),
        () => e,
      );
    });
  }

  async migrate(): Promise<MigrationStatus> {
    // Every command opens the store: when nothing is pending (the usual case), one read answers
    // and no write lock is taken.
    const before = await this.migrationStatus();
    if (before.pending.length === 0) return before;
    const { SQLITE_MIGRATIONS } = await import('./migrations.js');
    const { SEAL_SECRETS_MIGRATION, sealClearSecrets } = await import('../sql/sealed-secrets.js');
    this.db.exec(CREATE_SCHEMA_MIGRATIONS);
    for (const m of SQLITE_MIGRATIONS) {
      this.writeNow(() => {
        const done = this.db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version);
        if (done) return;
        this.db.exec(m.sql);
        if (m.version === SEAL_SECRETS_MIGRATION.version) this.sealClearSecrets(sealClearSecrets);
        // The wall clock, not the engine's: when the schema really changed, for the operator.
        this.db
          .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(m.version, m.name, new Date().toISOString());
      });
    }
    if (this.checkpointAfterMigrate) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return this.migrationStatus();
  }

  /** Migration 9, in its transaction: the secrets still in clear are sealed, the key id recorded first. */
  private sealClearSecrets(sealClearSecrets: typeof import('../sql/sealed-secrets.js').sealClearSecrets): void {
    const sealed = sealClearSecrets(this.db.prepare('SELECT id, secrets FROM merchants').all() as Row[], this.sealer);
    if (sealed.length === 0) return;
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING')
      .run(SECRET_KEY_ID_SETTING, this.sealer.keyId());
    this.sealer.checkStored(String((this.db.prepare('SELECT value FROM settings WHERE key = ?').get(SECRET_KEY_ID_SETTING) as Row).value));
    const update = this.db.prepare('UPDATE merchants SET secrets = ? WHERE id = ?');
    // SQLite leaves a replaced cell's bytes in the page's free space: secure_delete zeroes them,
    // and the checkpoint after the migration takes the pages written in clear out of the WAL.
    const secureDelete = Number(this.db.pragma('secure_delete', { simple: true }));
    this.db.pragma('secure_delete = ON');
    try {
      for (const r of sealed) update.run(r.secrets, r.id);
    } finally {
      this.db.pragma(`secure_delete = ${secureDelete}`);
    }
    this.checkpointAfterMigrate = true;
  }
  private checkpointAfterMigrate = false;

  async migrationStatus(): Promise<MigrationStatus> {
    const exists = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
    const applied = exists
      ? (this.db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as Row[])
      : [];
    const done = new Set(applied.map((r) => Number(r.version)));
    // The usual case: nothing pending, and the migrations' SQL need not load to say so.
    if (SQLITE_MIGRATION_VERSIONS.every((v) => done.has(v))) return migrationStatusOf(applied, [], SQLITE_MIGRATION_VERSIONS.at(-1));
    return migrationStatusOf(applied, (await import('./migrations.js')).SQLITE_MIGRATIONS);
  }

  async getSetting(key: string): Promise<string | undefined> {
    const r = this.get('SELECT value FROM settings WHERE key = ?', [key]);
    return r ? String(r.value) : undefined;
  }

  async initSetting(key: string, value: string): Promise<string> {
    return this.write(() => {
      this.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [key, value]);
      return String(this.get('SELECT value FROM settings WHERE key = ?', [key])!.value);
    });
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.write(() =>
      this.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]),
    );
  }

  async insertMerchant(m: MerchantRecord): Promise<void> {
    await this.sealer.recordKeyIn(this);
    const row = merchantToRow(m, this.sealer);
    await this.write(() => this.run(insertSql('merchants', row), row));
  }

  async getMerchant(id: string): Promise<MerchantRecord | undefined> {
    return (await this.getMerchantVersioned(id))?.merchant;
  }

  async getMerchantVersioned(id: string): Promise<VersionedMerchant | undefined> {
    const r = this.get('SELECT * FROM merchants WHERE id = ?', [id]);
    return r ? { merchant: merchantFromRow(r, this.sealer), version: Number(r.version) } : undefined;
  }

  async listMerchants(q: { limit: number; after?: Keyset }): Promise<MerchantRecord[]> {
    const rows = q.after
      ? this.all('SELECT * FROM merchants WHERE (created_at, id) > (@createdAt, @id) ORDER BY created_at, id LIMIT @limit', {
          ...q.after,
          limit: q.limit,
        })
      : this.all('SELECT * FROM merchants ORDER BY created_at, id LIMIT @limit', { limit: q.limit });
    return rows.map((r) => merchantFromRow(r, this.sealer));
  }

  async setMerchantSecrets(id: string, secrets: string[]): Promise<void> {
    await this.sealer.recordKeyIn(this);
    const sealed = this.sealer.seal(id, secrets);
    await this.write(() => this.run('UPDATE merchants SET secrets = ? WHERE id = ?', [sealed, id]));
  }

  async resetMerchantSecrets(newSecret: () => string): Promise<{ id: string; secret: string }[]> {
    const keyId = this.sealer.keyId();
    const reset = await this.write(() => {
      this.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
        SECRET_KEY_ID_SETTING,
        keyId,
      ]);
      return this.all('SELECT id FROM merchants ORDER BY created_at, id').map((r) => {
        const id = String(r.id);
        const secret = newSecret();
        this.run('UPDATE merchants SET secrets = ? WHERE id = ?', [this.sealer.seal(id, [secret]), id]);
        return { id, secret };
      });
    });
    this.sealer.checkStored(keyId);
    return reset;
  }

  async insertPayment(t: TransactionRecord, merchantVersion: number): Promise<InsertedPayment> {
    const row = transactionToRow(t);
    return this.write(() => {
      // Inside the write transaction: no other writer changes the merchant before the insert.
      const m = this.get('SELECT version FROM merchants WHERE id = ?', [t.merchantId]);
      if (!m || Number(m.version) !== merchantVersion) return { inserted: false as const, merchantChanged: true as const };
      return this.insertRow(t, row);
    });
  }

  async insertTransaction(t: TransactionRecord, opts: WithOutbox = {}): Promise<Inserted<TransactionRecord>> {
    const row = transactionToRow(t);
    return this.write(() => this.insertRow(t, row, opts));
  }

  /** insertTransaction's work, inside the caller's write transaction. */
  private insertRow(t: TransactionRecord, row: Row, opts: WithOutbox = {}): Inserted<TransactionRecord> {
    if (t.idemKey !== null) {
      const existing = this.get('SELECT * FROM transactions WHERE merchant_id = ? AND idem_key = ?', [t.merchantId, t.idemKey]);
      if (existing) return { inserted: false, existing: transactionFromRow(existing) };
    }
    this.run(insertSql('transactions', row), row);
    if (opts.outbox) this.insertOutbox(opts.outbox);
    return { inserted: true };
  }

  async getTransaction(id: string): Promise<TransactionRecord | undefined> {
    const r = this.get('SELECT * FROM transactions WHERE id = ?', [id]);
    return r ? transactionFromRow(r) : undefined;
  }

  async findTransactionByIdemKey(merchantId: string, idemKey: string): Promise<TransactionRecord | undefined> {
    const r = this.get('SELECT * FROM transactions WHERE merchant_id = ? AND idem_key = ?', [merchantId, idemKey]);
    return r ? transactionFromRow(r) : undefined;
  }

  async transitionTransaction(id: string, from: TxStatus[], patch: TransactionPatch): Promise<TransactionRecord | undefined> {
    const sets: string[] = [];
    const params: Row = { id };
    for (const [key, value] of Object.entries(transactionPatchColumns(patch))) {
      sets.push(`${key} = @${key}`);
      params[key] = value;
    }
    const inList = from.map((_, i) => `@from${i}`).join(', ');
    from.forEach((s, i) => (params[`from${i}`] = s));
    // One statement: the compare-and-set and the read-back of the row it changed.
    const row = await this.write(() =>
      this.get(`UPDATE transactions SET ${sets.join(', ')} WHERE id = @id AND status IN (${inList}) RETURNING *`, params),
    );
    return row ? transactionFromRow(row) : undefined;
  }

  async listTransactions(q: TransactionQuery): Promise<TransactionRecord[]> {
    const params: Row = {};
    const sql = (await transactionQuery()).listTransactionsSql(q, (value) => {
      const name = `p${Object.keys(params).length}`;
      params[name] = value;
      return `@${name}`;
    });
    return this.all(sql, params).map(transactionFromRow);
  }

  async merchantTotals(merchantId: string, now: string): Promise<MerchantTotals> {
    const { merchantTotalsFromRow, merchantTotalsSql, totalsTimes } = await totalsSql();
    const sql = merchantTotalsSql({ merchantId: '@merchantId', now: '@now', today: '@today', tomorrow: '@tomorrow' });
    return merchantTotalsFromRow(this.get(sql, { merchantId, ...totalsTimes(now) })!);
  }

  async addRefund(refund: RefundRecord): Promise<MovementResult> {
    return this.write(() => this.recordRefund(refund));
  }

  /** The refund's check and write, inside the caller's write transaction; `keyColumns` (its idempotency key's) go on its row. */
  private recordRefund(refund: RefundRecord, keyColumns: Row = {}): MovementResult {
    // Inside the write transaction (BEGIN IMMEDIATE): no other writer changes the row meanwhile.
    const row = this.get('SELECT * FROM transactions WHERE id = ?', [refund.transactionId]);
    const decision = decideRefund(row ? transactionFromRow(row) : undefined, refund);
    if (!decision.ok) return decision;
    const tx = decision.transaction;
    const refundRow = { ...refundToRow(refund), ...keyColumns };
    this.run(insertSql('refunds', refundRow), refundRow);
    this.run('UPDATE transactions SET refunded = refunded + @amount, updated_at = @at WHERE id = @id', {
      amount: refund.amount,
      at: refund.createdAt,
      id: tx.id,
    });
    return { ok: true, transaction: { ...tx, refunded: tx.refunded + refund.amount, updatedAt: refund.createdAt } };
  }

  async listRefunds(transactionId: string): Promise<RefundRecord[]> {
    return this.all('SELECT * FROM refunds WHERE transaction_id = ? ORDER BY created_at, id', [transactionId]).map(refundFromRow);
  }

  async addKeyedRefund(refund: RefundRecord, key: RefundKey): Promise<KeyedRefundResult> {
    const keys = await refundKeys();
    return this.write((): KeyedRefundResult => {
      // Under the same write lock as the check: a request with this key committed before is seen here.
      const seen = this.keyedRefund(refund.merchantId, key.idemKey, keys);
      if (seen) {
        const tx = this.get('SELECT * FROM transactions WHERE id = ?', [seen.refund.transactionId])!;
        return keys.replayOfKey(seen, key, transactionFromRow(tx));
      }
      const result = this.recordRefund(refund, keys.refundKeyColumns(key));
      return result.ok ? { ...result, refund, replayed: false } : result;
    });
  }

  async findRefundByKey(merchantId: string, idemKey: string): Promise<KeyedRefund | undefined> {
    return this.keyedRefund(merchantId, idemKey, await refundKeys());
  }

  private keyedRefund(merchantId: string, idemKey: string, keys: typeof import('../sql/refund-keys.js')): KeyedRefund | undefined {
    const r = this.get('SELECT * FROM refunds WHERE merchant_id = ? AND idem_key = ?', [merchantId, idemKey]);
    return r ? keys.keyedRefundFromRow(r) : undefined;
  }

  async addShipment(shipment: TransactionRecord, now: string): Promise<ShipmentResult> {
    return this.write((): ShipmentResult => {
      if (shipment.idemKey !== null) {
        const dup = this.get('SELECT * FROM transactions WHERE merchant_id = ? AND idem_key = ?', [shipment.merchantId, shipment.idemKey]);
        if (dup) {
          const existing = transactionFromRow(dup);
          if (existing.requestHash !== shipment.requestHash || existing.parentId !== shipment.parentId) {
            return { ok: false, reason: 'duplicate_mismatch', existing };
          }
          const parent = transactionFromRow(this.get('SELECT * FROM transactions WHERE id = ?', [existing.parentId])!);
          return { ok: true, shipment: existing, parent, replayed: true };
        }
      }
      const row = shipment.parentId ? this.get('SELECT * FROM transactions WHERE id = ?', [shipment.parentId]) : undefined;
      const decision = decideShipment(row ? transactionFromRow(row) : undefined, shipment, now);
      if (!decision.ok) return decision;
      const { parent } = decision;
      const srow = transactionToRow(shipment);
      this.run(insertSql('transactions', srow), srow);
      this.run('UPDATE transactions SET shipped = shipped + @amount, updated_at = @at WHERE id = @id', {
        amount: shipment.amount,
        at: shipment.createdAt,
        id: parent.id,
      });
      return { ok: true, shipment, parent: { ...parent, shipped: parent.shipped + shipment.amount }, replayed: false };
    });
  }

  async releaseShipment(
    id: string,
    patch: { status: 'DECLINED' | 'FAILED'; reason: string; updatedAt: string },
  ): Promise<TransactionRecord | undefined> {
    return this.write(() => {
      const row = this.get(`SELECT * FROM transactions WHERE id = ? AND kind = 'shipment' AND status = 'PENDING'`, [id]);
      if (!row) return undefined;
      const shipment = transactionFromRow(row);
      this.run('UPDATE transactions SET status = @status, reason = @reason, updated_at = @at WHERE id = @id', {
        status: patch.status,
        reason: patch.reason,
        at: patch.updatedAt,
        id,
      });
      this.run('UPDATE transactions SET shipped = shipped - @amount, updated_at = @at WHERE id = @parentId', {
        amount: shipment.amount,
        at: patch.updatedAt,
        parentId: shipment.parentId,
      });
      return { ...shipment, status: patch.status, reason: patch.reason, updatedAt: patch.updatedAt };
    });
  }

  async listShipments(parentId: string): Promise<TransactionRecord[]> {
    return this.all('SELECT * FROM transactions WHERE parent_id = ? ORDER BY created_at, id', [parentId]).map(transactionFromRow);
  }

  async cancelAbandonedPayments(now: string): Promise<string[]> {
    const { ABANDONED_REASON_SQL } = await abandoned();
    return this.write(() => {
      const rows = this.all(`SELECT id FROM transactions WHERE status = 'PENDING' AND deadline_at <= ?`, [now]);
      const ids: string[] = [];
      for (const r of rows) {
        const swept = this.get(
          `UPDATE transactions SET status = 'CANCELLED', reason = ${ABANDONED_REASON_SQL}, updated_at = ?
           WHERE id = ? AND status = 'PENDING' RETURNING id, kind, parent_id, amount`,
          [now, r.id],
        );
        if (!swept) continue;
        ids.push(String(swept.id));
        // In the same transaction as its cancellation: what it held may be shipped again.
        if (swept.kind === 'shipment') {
          this.run('UPDATE transactions SET shipped = shipped - ?, updated_at = ? WHERE id = ?', [swept.amount, now, swept.parent_id]);
        }
      }
      return ids;
    });
  }

  async insertLink(l: LinkRecord): Promise<Inserted<LinkRecord>> {
    const row = linkToRow(l);
    return this.write(() => {
      const existing = this.get('SELECT * FROM links WHERE merchant_id = ? AND payment_reference = ?', [l.merchantId, l.paymentReference]);
      if (existing) return { inserted: false as const, existing: linkFromRow(existing) };
      this.run(insertSql('links', row), row);
      return { inserted: true as const };
    });
  }

  async getLink(id: string): Promise<LinkRecord | undefined> {
    const r = this.get('SELECT * FROM links WHERE id = ?', [id]);
    return r ? linkFromRow(r) : undefined;
  }

  async getLinkByTokenHash(tokenHash: string): Promise<LinkRecord | undefined> {
    const r = this.get('SELECT * FROM links WHERE token_hash = ?', [tokenHash]);
    return r ? linkFromRow(r) : undefined;
  }

  async listLinks(q: { merchantId: string; limit: number; before?: Keyset }): Promise<LinkRecord[]> {
    const rows = q.before
      ? this.all(
          `SELECT * FROM links WHERE merchant_id = @merchantId AND (created_at, id) < (@createdAt, @id)
           ORDER BY created_at DESC, id DESC LIMIT @limit`,
          { merchantId: q.merchantId, limit: q.limit, ...q.before },
        )
      : this.all('SELECT * FROM links WHERE merchant_id = @merchantId ORDER BY created_at DESC, id DESC LIMIT @limit', {
          merchantId: q.merchantId,
          limit: q.limit,
        });
    return rows.map(linkFromRow);
  }

  async markLinkPaid(id: string, transactionId: string, now: string): Promise<boolean> {
    const res = await this.write(() =>
      this.run(`UPDATE links SET status = 'paid', transaction_id = ?, updated_at = ? WHERE id = ? AND status = 'open'`, [
        transactionId,
        now,
        id,
      ]),
    );
    return res.changes === 1;
  }

  async settleLinkPayment(p: {
    linkId: string;
    transactionId: string;
    patch: TransactionPatch;
    debits: ScheduledDebitRecord[];
    callback: OutboxRecord;
  }): Promise<TransactionRecord | undefined> {
    const sets: string[] = [];
    const params: Row = { id: p.transactionId };
    for (const [key, value] of Object.entries(transactionPatchColumns(p.patch))) {
      sets.push(`${key} = @${key}`);
      params[key] = value;
    }
    // BEGIN IMMEDIATE holds the write lock: the link read open here is still open when written.
    return this.write(() => {
      if (this.get(`SELECT 1 FROM links WHERE id = ? AND status = 'open'`, [p.linkId]) === undefined) return undefined;
      const res = this.run(`UPDATE transactions SET ${sets.join(', ')} WHERE id = @id AND status = 'PENDING'`, params);
      if (res.changes === 0) return undefined;
      this.run(`UPDATE links SET status = 'paid', transaction_id = ?, updated_at = ? WHERE id = ?`, [
        p.transactionId,
        p.patch.updatedAt,
        p.linkId,
      ]);
      for (const d of p.debits) {
        const row = scheduledDebitToRow(d);
        this.run(insertSql('scheduled_debits', row), row);
      }
      this.insertOutbox(p.callback);
      return transactionFromRow(this.get('SELECT * FROM transactions WHERE id = ?', [p.transactionId])!);
    });
  }

  async insertScheduledDebits(rows: ScheduledDebitRecord[]): Promise<void> {
    await this.write(() => {
      for (const d of rows) {
        const row = scheduledDebitToRow(d);
        this.run(insertSql('scheduled_debits', row), row);
      }
    });
  }

  async listScheduledDebits(linkId: string): Promise<ScheduledDebitRecord[]> {
    return this.all('SELECT * FROM scheduled_debits WHERE link_id = ? ORDER BY seq', [linkId]).map(scheduledDebitFromRow);
  }

  async claimDueDebits(now: string, leaseUntil: string, limit: number): Promise<ScheduledDebitRecord[]> {
    return this.write(() => {
      const rows = this.all(
        `SELECT * FROM scheduled_debits WHERE status = 'scheduled' AND due_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY due_at LIMIT ?`,
        [now, now, limit],
      );
      for (const r of rows)
        this.run('UPDATE scheduled_debits SET claimed_until = ?, attempts = attempts + 1 WHERE id = ?', [leaseUntil, r.id]);
      return rows.map((r) => scheduledDebitFromRow({ ...r, attempts: Number(r.attempts) + 1 }));
    });
  }

  async settleScheduledDebit(id: string, patch: ScheduledDebitPatch, opts: WithOutbox = {}): Promise<boolean> {
    const sets = ['status = @status', 'updated_at = @updatedAt', 'claimed_until = NULL'];
    const params: Row = { id, status: patch.status, updatedAt: patch.updatedAt };
    if (patch.transactionId !== undefined) (sets.push('transaction_id = @transactionId'), (params.transactionId = patch.transactionId));
    if (patch.lastError !== undefined) (sets.push('last_error = @lastError'), (params.lastError = patch.lastError));
    if (patch.dueAt !== undefined) (sets.push('due_at = @dueAt'), (params.dueAt = patch.dueAt));
    if (patch.cardToken !== undefined) (sets.push('card_token = @cardToken'), (params.cardToken = patch.cardToken));
    return this.write(() => {
      const res = this.run(`UPDATE scheduled_debits SET ${sets.join(', ')} WHERE id = @id AND status = 'scheduled'`, params);
      if (res.changes === 0) return false;
      if (opts.outbox) this.insertOutbox(opts.outbox);
      return true;
    });
  }

  async enqueueOutbox(m: OutboxRecord): Promise<void> {
    await this.write(() => this.insertOutbox(m));
  }

  /** The outbox row, inside whatever transaction the caller holds. */
  private insertOutbox(m: OutboxRecord): void {
    const row = { ...outboxToRow(m), ...eventColumns(m) };
    this.run(insertSql('outbox', row), row);
  }

  async claimOutbox(now: string, leaseUntil: string, limit: number): Promise<OutboxRecord[]> {
    return (await this.claimRows(now, leaseUntil, limit)).map(outboxFromRow);
  }

  private claimRows(now: string, leaseUntil: string, limit: number): Promise<Row[]> {
    return this.write(() => {
      const rows = this.all('SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?', [
        now,
        limit,
      ]);
      for (const r of rows) this.run('UPDATE outbox SET next_attempt_at = ? WHERE id = ?', [leaseUntil, r.id]);
      return rows;
    });
  }

  async markOutboxDelivered(id: string, at: string): Promise<void> {
    await this.write(() =>
      this.run("UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL, status = 'delivered' WHERE id = ?", [
        at,
        id,
      ]),
    );
  }

  async markOutboxFailed(id: string, nextAttemptAt: string, error: string): Promise<void> {
    await this.write(() =>
      this.run("UPDATE outbox SET next_attempt_at = ?, attempts = attempts + 1, last_error = ?, status = 'failed' WHERE id = ?", [
        nextAttemptAt,
        error,
        id,
      ]),
    );
  }

  async listOutbox(q: { merchantId?: string; topic?: string; limit: number }): Promise<OutboxRecord[]> {
    const where: string[] = [];
    const params: Row = { limit: q.limit };
    if (q.merchantId) {
      where.push('merchant_id = @merchantId');
      params.merchantId = q.merchantId;
    }
    if (q.topic) {
      where.push('topic = @topic');
      params.topic = q.topic;
    }
    const sql = `SELECT * FROM outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at, id LIMIT @limit`;
    return this.all(sql, params).map(outboxFromRow);
  }

  async outboxStats(): Promise<{ pending: number; oldestPendingAt: string | null }> {
    const row = this.get(`SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE delivered_at IS NULL AND status <> 'dead'`, {});
    return { pending: Number(row?.n ?? 0), oldestPendingAt: (row?.oldest as string | null | undefined) ?? null };
  }

  async settlePending(id: string, patch: SettlePatch, opts: WithOutbox = {}): Promise<TransactionRecord | undefined> {
    const sets: string[] = [];
    const params: Row = { id };
    for (const [key, value] of Object.entries(settlePatchColumns(patch))) {
      sets.push(`${key} = @${key}`);
      params[key] = value;
    }
    return this.write(() => {
      const row = this.get(`UPDATE transactions SET ${sets.join(', ')} WHERE id = @id AND status = 'PENDING' RETURNING *`, params);
      if (!row) return undefined;
      if (opts.outbox) this.insertOutbox(opts.outbox);
      return transactionFromRow(row);
    });
  }

  async getMerchantByShopId(shopId: string): Promise<MerchantRecord | undefined> {
    const r = this.get('SELECT * FROM merchants WHERE shop_id = ?', [shopId]);
    return r ? merchantFromRow(r, this.sealer) : undefined;
  }

  async getRefund(id: string): Promise<RefundRecord | undefined> {
    const r = this.get('SELECT * FROM refunds WHERE id = ?', [id]);
    return r ? refundFromRow(r) : undefined;
  }

  async putV4FormDetails(r: V4FormDetailsRecord): Promise<void> {
    const row = v4FormDetailsToRow(r);
    await this.write(() => {
      this.run('DELETE FROM v4_form_details WHERE expires_at < ?', [r.createdAt]);
      this.run(insertSql('v4_form_details', row), row);
    });
  }

  async getV4FormDetails(nonce: string): Promise<V4FormDetailsRecord | undefined> {
    const r = this.get('SELECT * FROM v4_form_details WHERE nonce = ?', [nonce]);
    return r ? v4FormDetailsFromRow(r) : undefined;
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // First the thread and its connection: it may be holding writes, and the last connection to
    // close checkpoints the whole WAL and removes it.
    const checkpointer = this.checkpointer;
    this.checkpointer = undefined;
    await checkpointer?.close();
    if (!this.db.open) return;
    this.group.flush(); // writes already asked for are committed (or rejected), not dropped
    this.db.close();
  }

  async updateMerchant(id: string, patch: MerchantPatch): Promise<MerchantRecord | undefined> {
    const columns = Object.entries((await merchantPatch()).merchantPatchColumns(patch));
    if (columns.length === 0) return this.getMerchant(id);
    const params: Row = { id, ...Object.fromEntries(columns) };
    const sets = columns.map(([col]) => `${col} = @${col}`);
    const row = await this.write(() => this.get(`UPDATE merchants SET ${sets.join(', ')} WHERE id = @id RETURNING *`, params));
    return row ? merchantFromRow(row, this.sealer) : undefined;
  }

  // Events (migration 8): see src/store/sql/events.ts for what both adapters share.

  async claimEvents(now: string, leaseUntil: string, limit: number): Promise<EventRecord[]> {
    return (await this.claimRows(now, leaseUntil, limit)).map(eventFromRow);
  }

  async recordOutboxAttempt(id: string, attempt: EventAttemptRecord, outcome: AttemptOutcome): Promise<void> {
    const values: unknown[] = [];
    const set = outcomeSet(outcome, attempt, bind(values));
    const row = attemptToRow(attempt);
    await this.write(() => {
      this.run(`UPDATE outbox SET ${set} WHERE id = ?`, [...values, id]);
      this.run(insertSql('outbox_attempts', row), row);
    });
  }

  async listEvents(q: EventQuery): Promise<EventRecord[]> {
    const values: unknown[] = [];
    const where = eventWhere(q, bind(values));
    return this.all(`SELECT * FROM outbox WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ?`, [...values, q.limit]).map(
      eventFromRow,
    );
  }

  async getEvents(ids: string[]): Promise<EventRecord[]> {
    if (ids.length === 0) return [];
    const marks = ids.map(() => '?').join(', ');
    return this.all(`SELECT * FROM outbox WHERE event_type IS NOT NULL AND id IN (${marks})`, ids).map(eventFromRow);
  }

  async listEventAttempts(eventId: string): Promise<EventAttemptRecord[]> {
    return this.all('SELECT * FROM outbox_attempts WHERE event_id = ? ORDER BY at, id', [eventId]).map(attemptFromRow);
  }

  async resendEvent(id: string, resend: EventAttemptRecord): Promise<EventRecord | undefined> {
    const values: unknown[] = [];
    const set = resendSet(resend.at, bind(values));
    const row = attemptToRow(resend);
    const updated = await this.write(() => {
      const r = this.get(`UPDATE outbox SET ${set} WHERE id = ? AND event_type IS NOT NULL RETURNING *`, [...values, id]);
      if (r) this.run(insertSql('outbox_attempts', row), row);
      return r;
    });
    return updated ? eventFromRow(updated) : undefined;
  }

  async eventsSince(q: EventsSinceQuery): Promise<EventsSince> {
    const ev: unknown[] = [];
    const at: unknown[] = [];
    const events = this.all(eventsAfterSql(q.events, q.limit, bind(ev)), ev).map(eventFromRow);
    const attempts = this.all(attemptsAfterSql(q.attempts, q.limit, bind(at)), at).map(attemptFromRow);
    return { events, attempts };
  }

  async countEvents(): Promise<Record<EventStatus, number>> {
    return eventCounts(this.all(COUNT_EVENTS_SQL, []));
  }
}

/** Positional `?` parameters for the SQL builders shared with PostgreSQL (sql/events.ts). */
function bind(values: unknown[]): (value: unknown) => string {
  return (value) => {
    values.push(value);
    return '?';
  };
}
