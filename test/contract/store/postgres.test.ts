import { openStore } from '../../../src/store/open-store.js';
import { freshPostgresDatabase } from '../../helpers/postgres.js';
import { storeContract } from './store-contract.js';

// The Store contract on PostgreSQL: a database per test; several stores on it are several pools,
// as several `esipay serve` instances would be. Fails (never skips) when PostgreSQL is down.
storeContract({
  name: 'postgres',
  async fresh() {
    const db = await freshPostgresDatabase('store');
    return {
      open: (opts) => openStore(db.url, opts),
      cleanup: () => db.drop(),
    };
  },
});
