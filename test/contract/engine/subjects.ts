import { randomBytes } from 'node:crypto';
import type { Engine } from '../../../src/engine/engine.js';
import { LocalEngine } from '../../../src/engine/local/local-engine.js';
import { RemoteEngine } from '../../../src/engine/remote/remote-engine.js';
import { openStore } from '../../../src/store/open-store.js';
import { freshPostgresDatabase } from '../../helpers/postgres.js';
import { startServe } from '../../helpers/serve.js';
import { tempSqlite } from '../../helpers/sqlite.js';
import type { ContractSubject } from './context.js';
import { HttpCallbackSender } from '../../../src/callback/sender.js';
import type { MerchantWithSecret } from '../../../src/domain/types.js';
import { startOutboxDeliverer } from '../../../src/outbox/deliverer.js';
import { OutboxWakeup } from '../../../src/outbox/wakeup.js';
import { PaymentIpn } from '../../../src/server/v4/ipn.js';
import { card, VISA } from './cards.js';
import { createV4Payment } from '../../helpers/v4-payment.js';

/** Short enough that the "return URL never answers" cases stay quick. */
export const CONTRACT_CALLBACK_TIMEOUT_MS = 1_000;

/** The outbox's back-off in every setup: a failed IPN is tried again within a second. */
const CONTRACT_BACKOFF = { baseMs: 200, maxMs: 1_000 };

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
  // As `esipay serve` runs them: a deliverer beside the engine, woken by its writes.
  const wakeup = new OutboxWakeup();
  const engine = await LocalEngine.create(store, { callbackTimeoutMs: CONTRACT_CALLBACK_TIMEOUT_MS, onOutboxWrite: wakeup.notify });
  const sender = new HttpCallbackSender();
  const deliverer = startOutboxDeliverer({ store, sender, clock: engine.clock, backoff: CONTRACT_BACKOFF, pollMs: 100, wakeup });
  const v4Payment = async (m: MerchantWithSecret, cardNumber = VISA) => {
    const merchant = (await store.getMerchant(m.uuid))!;
    const ipn = new PaymentIpn(merchant, engine.clock);
    const { transaction } = await engine.v4.authorise(merchant, {
      amount: 7412,
      currency: merchant.currency,
      orderId: `order-${randomBytes(4).toString('hex')}`,
      card: card(cardNumber),
      notification: ipn.notification,
    });
    return transaction.id;
  };
  return subjectOf(engine, v4Payment, async () => {
    await deliverer.stop();
    await sender.close();
    await engine.close();
    await cleanup();
  });
}

/** The remote engine talking to a real `esipay serve --db <db>` child process on loopback. */
export async function remoteSubject(db: string, cleanup: () => Promise<void> | void = () => undefined): Promise<ContractSubject> {
  const token = `contract-${randomBytes(16).toString('hex')}`;
  const serve = await startServe({
    db,
    adminToken: token,
    args: ['--callback-timeout', String(CONTRACT_CALLBACK_TIMEOUT_MS), '--quiet'],
    env: { ESIPAY_OUTBOX_RETRY_BASE_MS: String(CONTRACT_BACKOFF.baseMs), ESIPAY_OUTBOX_RETRY_MAX_MS: String(CONTRACT_BACKOFF.maxMs) },
  });
  const engine = new RemoteEngine({ url: serve.url, token });
  // CreatePayment on the service's V4 API, as a merchant's server calls it.
  const v4Payment = (m: MerchantWithSecret, cardNumber = VISA) =>
    createV4Payment(serve.url, m, { pan: cardNumber, orderId: `order-${randomBytes(4).toString('hex')}` });
  return subjectOf(engine, v4Payment, async () => {
    await engine.close();
    const exit = await serve.stop();
    await cleanup();
    if (exit.code !== 0) throw new Error(`esipay serve did not stop cleanly (${exit.code ?? exit.signal}):\n${serve.stderr()}`);
  });
}

/** Both engines pay from loopback and wait CONTRACT_CALLBACK_TIMEOUT_MS for a return URL. */
function subjectOf(engine: Engine, v4Payment: ContractSubject['v4Payment'], cleanup: () => Promise<void>): ContractSubject {
  return { engine, merchantIp: '127.0.0.1', callbackTimeoutMs: CONTRACT_CALLBACK_TIMEOUT_MS, v4Payment, cleanup };
}
