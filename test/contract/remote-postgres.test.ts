import { freshPostgresDatabase } from '../helpers/postgres.js';
import { engineContract } from './engine-contract.js';
import { remoteSubject } from './subjects.js';

// The engine contract with the remote engine talking to a real `esipay serve --db postgres://…`.
// Fails (never skips) when PostgreSQL is not reachable.
engineContract('remote engine → esipay serve, PostgreSQL', async () => {
  const db = await freshPostgresDatabase('contract_remote');
  return remoteSubject(db.url, () => db.drop());
});
