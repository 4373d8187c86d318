import { freshPostgresDatabase } from '../helpers/postgres.js';
import { engineContract } from './engine-contract.js';
import { localSubject } from './subjects.js';

// The engine contract with the local engine over PostgreSQL: a fresh database, dropped at the
// end. Fails (never skips) when PostgreSQL is not reachable.
engineContract('local engine, PostgreSQL', async () => {
  const db = await freshPostgresDatabase('contract_local');
  return localSubject(db.url, () => db.drop());
});
