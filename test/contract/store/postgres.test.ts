import { openStore } from '../../../src/store/open-store.js';
import { freshPostgresDatabase } from '../../helpers/postgres.js';
import { refundKeyContract } from './refund-keys.js';
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
