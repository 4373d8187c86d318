import { randomBytes } from 'node:crypto';
import type { Engine } from '../../../src/engine/engine.js';
import { LocalEngine } from '../../../src/engine/local/local-engine.js';
import { RemoteEngine } from '../../../src/engine/remote/remote-engine.js';
import { openStore } from '../../../src/store/open-store.js';
import { freshPostgresDatabase } from '../../helpers/postgres.js';
import { startServe } from '../../helpers/serve.js';
import { tempSqlite } from '../../helpers/sqlite.js';
import type { ContractSubject } from './context.js';

/** Short enough that the "return URL never answers" cases stay quick. */
export const CONTRACT_CALLBACK_TIMEOUT_MS = 1_000;

/** The local engine in-process over a fresh SQLite file. */
export const localSqlite = (): Promise<ContractSubject> => onSqlite(localSubject);

/** The local engine over a fresh PostgreSQL database. */
export const localPostgres = (): Promise<ContractSubject> => onPostgres('contract_local', localSubject);

/** The remote engine talking to a real `esipay serve --db <fresh SQLite file>`. */
export const remoteSqlite = (): Promise<ContractSubject> => onSqlite(remoteSubject);

/** The remote engine talking to a real `esipay serve --db postgres://…`. */
export const remotePostgres = (): Promise<ContractSubject> => onPostgres('contract_remote', remoteSubject);

type SubjectOver = (db: string, cleanup: () => Promise<void> | void) => Promise<ContractSubject>;

/** `subject` over a fresh SQLite file, removed at the end. */
function onSqlite(subject: SubjectOver): Promise<ContractSubject> {
  const { db, cleanup } = tempSqlite();
  return subject(db, cleanup);
}

/** `subject` over a fresh PostgreSQL database, dropped at the end. Fails (never skips) when PostgreSQL is not reachable. */
async function onPostgres(label: string, subject: SubjectOver): Promise<ContractSubject> {
  const db = await freshPostgresDatabase(label);
  return subject(db.url, () => db.drop());
}

/** The local engine in-process over `db` (SQLite path or postgres:// URL). */
export async function localSubject(db: string, cleanup: () => Promise<void> | void = () => undefined): Promise<ContractSubject> {
  const store = await openStore(db);
  const engine = await LocalEngine.create(store, { callbackTimeoutMs: CONTRACT_CALLBACK_TIMEOUT_MS });
  return subjectOf(engine, async () => {
    await engine.close();
    await cleanup();
  });
}

/** The remote engine talking to a real `esipay serve --db <db>` child process on loopback. */
export async function remoteSubject(db: string, cleanup: () => Promise<void> | void = () => undefined): Promise<ContractSubject> {
  const token = `contract-${randomBytes(16).toString('hex')}`;
  const serve = await startServe({ db, adminToken: token, args: ['--callback-timeout', String(CONTRACT_CALLBACK_TIMEOUT_MS), '--quiet'] });
  const engine = new RemoteEngine({ url: serve.url, token });
  return subjectOf(engine, async () => {
    await engine.close();
    const exit = await serve.stop();
    await cleanup();
    if (exit.code !== 0) throw new Error(`esipay serve did not stop cleanly (${exit.code ?? exit.signal}):\n${serve.stderr()}`);
  });
}

/** Both engines pay from loopback and wait CONTRACT_CALLBACK_TIMEOUT_MS for a return URL. */
function subjectOf(engine: Engine, cleanup: () => Promise<void>): ContractSubject {
  return { engine, merchantIp: '127.0.0.1', callbackTimeoutMs: CONTRACT_CALLBACK_TIMEOUT_MS, cleanup };
}
