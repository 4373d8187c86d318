import { engineContract } from './engine-contract.js';
import { localSubject, tempSqlite } from './subjects.js';

engineContract('local engine, SQLite', async () => {
  const { db, cleanup } = tempSqlite();
  return localSubject(db, cleanup);
});
