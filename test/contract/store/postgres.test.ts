import { openStore } from '../../../src/store/open-store.js';
import { freshPostgresDatabase } from '../../helpers/postgres.js';
import pg from 'pg';
import { refundKeyContract } from './refund-keys.js';
import { sealedSecretsContract } from './sealed-secrets.js';
import { type StoreHarness, storeContract } from './store-contract.js';

// The Store contract on PostgreSQL: a database per test; several stores on it are several pools,
// as several `esipay serve` instances would be. Fails (never skips) when PostgreSQL is down.
const postgres: StoreHarness = {
  name: 'postgres',
  async fresh() {
    const db = await freshPostgresDatabase('store');
    return {
      open: (opts) => openStore(db.url, opts),
      cleanup: () => db.drop(),
    };
  },
};
storeContract(postgres);
refundKeyContract(postgres);

sealedSecretsContract({
  name: 'postgres',
  async fresh() {
    const db = await freshPostgresDatabase('sealed');
    return {
      location: db.url,
      async query(sql) {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          return (await client.query(sql)).rows as Record<string, unknown>[];
        } finally {
          await client.end();
        }
      },
      cleanup: () => db.drop(),
    };
  },
});
