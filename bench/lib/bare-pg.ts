import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { orderedId, TX_COLUMNS as SQLITE_TX_COLUMNS } from './bare-sql.js';

/**
 * The PostgreSQL baseline's database work: the very statements PostgresStore sends for a v2
 * payment, as many round trips, prepared as the store prepares them (named, so parsed once per
 * connection: src/store/postgres/prepared.ts), through the same driver (pg) and the same pool size, on a
 * schema made by the store's own migrations (so whatever they add, indexes or triggers, costs
 * the baseline too) — and nothing of esipay around them (no validation, no card hash, no
 * views, no row mapping). Keep it in step with src/store/postgres/postgres-store.ts when the
 * statements of insertPayment, getMerchantVersioned or transitionTransaction change.
 */
export class BarePg {
  private readonly pool: pg.Pool;

  constructor(url: string, max = 10) {
    // 10: esipay's default pool (ESIPAY_PG_POOL_MAX).
    this.pool = new pg.Pool({ connectionString: url, max, application_name: 'bare' });
  }

  /** The store's schema, migration after migration, as PostgresStore.migrate applies it. */
  async migrate(): Promise<void> {
    for (const m of POSTGRES_MIGRATIONS) await this.pool.query(m.sql);
  }

  async addMerchant(returnUrl: string): Promise<string> {
    const id = randomUUID();
    await this.pool.query(
      `INSERT INTO merchants (id, name, ip, return_url, notification_url, currency, secrets, created_at)
       VALUES ($1, 'Bench', '127.0.0.1', $2, NULL, 'EUR', '["whsec_bench"]', $3)`,
      [id, returnUrl, new Date().toISOString()],
    );
    return id;
  }

  /**
   * A payment's first half: the merchant as read once (esipay's engine keeps the merchants it
   * read, engine/local/merchant-cache.ts), then the idempotent PENDING insert that checks the
   * merchant's version itself, as PostgresStore.insertPayment sends it: one round trip.
   */
  async beginPayment(merchantId: string, cid: string, amount: number): Promise<{ id: string; returnUrl: string }> {
    let merchant = this.merchants.get(merchantId);
    if (!merchant) {
      merchant = (await this.pool.query({ name: 'merchant', text: 'SELECT * FROM merchants WHERE id = $1', values: [merchantId] }))
        .rows[0] as { return_url: string; version: string } | undefined;
      if (!merchant) throw new Error('no merchant');
      this.merchants.set(merchantId, merchant);
    }
    const id = orderedId();
    const at = new Date().toISOString();
    const row: unknown[] = [id, merchantId, 'card', cid, `card:${cid}`, 'f'.repeat(64), 'PENDING', amount, 'EUR', 0, 0, null];
    row.push('411111', '1111', 'visa', 'e'.repeat(64), null, null, null, null, null, null, at, null, at, at, null);
    row.push(merchantId, merchant.version);
    const inserted = await this.pool.query({ name: 'pending', text: INSERT_PENDING, values: row });
    if (inserted.rowCount !== 1) throw new Error('duplicate cid or merchant changed');
    return { id, returnUrl: merchant.return_url };
  }
  private readonly merchants = new Map<string, { return_url: string; version: string }>();

  /** A payment's second half, after the callback answered 200: PENDING → PAID, the row read back by the same statement. */
  async settlePayment(id: string): Promise<void> {
    const values = ['PAID', 'A1B2C3', 200, null, null, new Date().toISOString(), id, ['PENDING']];
    await this.pool.query({ name: 'paid', text: SETTLE_PAID, values });
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** transactionToRow's columns, in its order: the SQLite baseline's and the V4 details. */
const TX_COLUMNS = [...SQLITE_TX_COLUMNS, 'v4_details'];

/** insertPayment's statement (transactionToRow's columns, the merchant's version check, the ON CONFLICT), as PostgresStore sends it. */
const INSERT_PENDING =
  `INSERT INTO transactions (${TX_COLUMNS.join(', ')}) SELECT ${TX_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}` +
  ` WHERE EXISTS (SELECT 1 FROM merchants WHERE id = $${TX_COLUMNS.length + 1} AND version = $${TX_COLUMNS.length + 2})` +
  ' ON CONFLICT (merchant_id, idem_key) WHERE idem_key IS NOT NULL DO NOTHING RETURNING id';

/** transitionTransaction's statement for PAID, as PostgresStore sends it. */
const SETTLE_PAID =
  'UPDATE transactions SET status = $1, auth_code = $2, callback_status = $3, callback_error = $4, deadline_at = $5, updated_at = $6 WHERE id = $7 AND status = ANY($8::text[]) RETURNING *';
