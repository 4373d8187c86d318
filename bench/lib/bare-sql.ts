import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';

/**
 * The baselines' database work: the very SQL statements SqliteStore runs for a payment and a
 * refund, on the same schema, with the same pragmas (WAL, synchronous NORMAL), through
 * better-sqlite3 — and nothing of esipay around them (no validation, no card hash, no views).
 * Its commits are grouped as esipay's are (src/store/sqlite/group-commit.ts): the writes asked
 * for in one turn of the event loop share one BEGIN IMMEDIATE … COMMIT, and each resolves after
 * it; without that, the baseline would pay a commit per write that esipay does not, and stop
 * being a ceiling. Keep it in step with src/store/sqlite/sqlite-store.ts when the statements
 * there change.
 */
export class BareSql {
  readonly db: Database.Database;
  private readonly s;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('foreign_keys = ON');
    for (const m of SQLITE_MIGRATIONS) this.db.exec(m.sql);
    const txCols = TX_COLUMNS.join(', ');
    const txParams = TX_COLUMNS.map((c) => '@' + c).join(', ');
    this.s = {
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      merchant: this.db.prepare('SELECT * FROM merchants WHERE id = ?'),
      merchantVersion: this.db.prepare('SELECT version FROM merchants WHERE id = ?'),
      byIdem: this.db.prepare('SELECT * FROM transactions WHERE merchant_id = ? AND idem_key = ?'),
      insertTx: this.db.prepare(`INSERT INTO transactions (${txCols}) VALUES (${txParams})`),
      settle: this.db.prepare(
        `UPDATE transactions SET status = @status, auth_code = @auth_code, callback_status = @callback_status, callback_error = @callback_error,
         deadline_at = @deadline_at, updated_at = @updated_at WHERE id = @id AND status IN (@from0) RETURNING *`,
      ),
      tx: this.db.prepare('SELECT * FROM transactions WHERE id = ?'),
      insertRefund: this.db.prepare(
        'INSERT INTO refunds (id, transaction_id, merchant_id, amount, currency, created_at) VALUES (@id, @transaction_id, @merchant_id, @amount, @currency, @created_at)',
      ),
      addRefunded: this.db.prepare('UPDATE transactions SET refunded = refunded + @amount, updated_at = @at WHERE id = @id'),
    };
  }

  addMerchant(returnUrl: string): string {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO merchants (id, name, ip, return_url, notification_url, currency, secrets, created_at)
         VALUES (?, 'Bench', '127.0.0.1', ?, NULL, 'EUR', '["whsec_bench"]', ?)`,
      )
      .run(id, returnUrl, new Date().toISOString());
    return id;
  }

  /** Runs `work` in the next group of writes; resolves once that group is committed. */
  private write<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }
  private queue: { work: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];

  private flush(): void {
    const group = this.queue;
    this.queue = [];
    const values: unknown[] = [];
    try {
      this.s.begin.run();
      for (const w of group) values.push(w.work());
      this.s.commit.run();
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const w of group) w.reject(e);
      return;
    }
    group.forEach((w, i) => w.resolve(values[i]));
  }

  /**
   * A payment's first half: the merchant as read once (esipay's engine keeps the merchants it
   * read, engine/local/merchant-cache.ts), then in one write its version checked and the
   * idempotent PENDING insert, as SqliteStore.insertPayment does.
   */
  async beginPayment(merchantId: string, cid: string, amount: number): Promise<{ id: string; returnUrl: string }> {
    let merchant = this.merchants.get(merchantId);
    if (!merchant) {
      merchant = this.s.merchant.get(merchantId) as { return_url: string; version: number } | undefined;
      if (!merchant) throw new Error('no merchant');
      this.merchants.set(merchantId, merchant);
    }
    const { version, return_url } = merchant;
    const id = orderedId();
    const at = new Date().toISOString();
    await this.write(() => {
      if ((this.s.merchantVersion.get(merchantId) as { version: number } | undefined)?.version !== version)
        throw new Error('merchant changed');
      if (this.s.byIdem.get(merchantId, `card:${cid}`)) throw new Error('duplicate cid');
      this.s.insertTx.run({
        ...EMPTY_TX,
        id,
        merchant_id: merchantId,
        cid,
        idem_key: `card:${cid}`,
        amount,
        created_at: at,
        updated_at: at,
        deadline_at: at,
      });
    });
    return { id, returnUrl: return_url };
  }
  private readonly merchants = new Map<string, { return_url: string; version: number }>();

  /** A payment's second half, after the callback answered 200: PENDING → PAID, the row read back by the same statement. */
  async settlePayment(id: string): Promise<void> {
    await this.write(() =>
      this.s.settle.get({
        id,
        status: 'PAID',
        auth_code: 'A1B2C3',
        callback_status: 200,
        callback_error: null,
        deadline_at: null,
        updated_at: new Date().toISOString(),
        from0: 'PENDING',
      }),
    );
  }

  /** A refund: the reads the use case makes, then check and write in one transaction. */
  async refund(transactionId: string, amount: number, merchantReads = 1): Promise<void> {
    const first = this.s.tx.get(transactionId) as { merchant_id: string } | undefined;
    if (!first) throw new Error('no transaction');
    for (let i = 0; i < merchantReads; i++) this.s.merchant.get(first.merchant_id);
    const at = new Date().toISOString();
    await this.write(() => {
      const tx = this.s.tx.get(transactionId) as { status: string; amount: number; refunded: number; merchant_id: string };
      if (tx.status !== 'PAID' || tx.refunded + amount > tx.amount) throw new Error('not refundable');
      this.s.insertRefund.run({
        id: orderedId(),
        transaction_id: transactionId,
        merchant_id: tx.merchant_id,
        amount,
        currency: 'EUR',
        created_at: at,
      });
      this.s.addRefunded.run({ amount, at, id: transactionId });
    });
  }

  paidIds(limit: number): string[] {
    return (this.db.prepare(`SELECT id FROM transactions WHERE status = 'PAID' LIMIT ?`).all(limit) as { id: string }[]).map((r) => r.id);
  }

  close(): void {
    this.db.close();
  }
}

/**
 * Ids shaped as esipay's (src/util/ids.ts): time and a counter first, so new rows land at the end
 * of the primary-key index as esipay's do, not on random pages; the rest random.
 */
export function orderedId(): string {
  const now = Date.now();
  if (now > idMs) [idMs, idCounter] = [now, 0];
  else idCounter++;
  return idMs.toString(16).padStart(12, '0') + (idCounter & 0xffff).toString(16).padStart(4, '0') + randomBytes(8).toString('hex');
}
let idMs = 0;
let idCounter = 0;

export const TX_COLUMNS = [
  'id',
  'merchant_id',
  'kind',
  'cid',
  'idem_key',
  'request_hash',
  'status',
  'amount',
  'currency',
  'refunded',
  'shipped',
  'parent_id',
  'card_first6',
  'card_last4',
  'card_brand',
  'card_hash',
  'card_token',
  'email',
  'auth_code',
  'reason',
  'callback_status',
  'callback_error',
  'deadline_at',
  'expires_at',
  'created_at',
  'updated_at',
] as const;

/** A PENDING card row as esipay writes it (masked card, 64-hex hashes), minus the per-payment fields. */
const EMPTY_TX = {
  kind: 'card',
  request_hash: 'f'.repeat(64),
  status: 'PENDING',
  currency: 'EUR',
  refunded: 0,
  shipped: 0,
  parent_id: null,
  card_first6: '411111',
  card_last4: '1111',
  card_brand: 'visa',
  card_hash: 'e'.repeat(64),
  card_token: null,
  email: null,
  auth_code: null,
  reason: null,
  callback_status: null,
  callback_error: null,
  expires_at: null,
};

/** Paths of the v2 payment URL the service and the bare server both parse. */
export function parsePaymentPath(path: string): { merchant: string; cid: string; amount: number } | undefined {
  const seg = path.split('/');
  // ['', 'cardpay', uuid, cid, card, month, year, amount]
  if (seg.length !== 8 || seg[1] !== 'cardpay') return undefined;
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(seg[7]!);
  if (!m) return undefined;
  const amount = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')); // integer cents, no float
  return { merchant: decodeURIComponent(seg[2]!), cid: decodeURIComponent(seg[3]!), amount };
}
