import { engineContract } from './engine-contract.js';
import { remoteSubject, tempSqlite } from './subjects.js';

engineContract('remote engine → esipay serve, SQLite', async () => {
  const { db, cleanup } = tempSqlite();
  return remoteSubject(db, cleanup);
});
