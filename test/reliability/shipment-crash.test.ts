import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TransactionRecord } from '../../src/domain/types.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { type RawDatabase, rawPostgres, rawSqlite } from '../helpers/raw-databases.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { allTransactions, delay, registerMerchant, restartServe, withStore } from './live.js';

/**
 * A SIGKILL of `esipay serve` while V4 writes wait on the acquirer strands nothing: every waiting
 * record has a deadline, and the next start sweeps what is past it (cancelled, a shipment's amount
 * given back to its initial, the acquirer's hold released). As a merchant sees it, over HTTP, on
 * SQLite and on PostgreSQL:
 *
 * - 80 shipments of 1.00 sent at once against one initial of 80.00, the service killed on the 5th
 *   answer. After a restart past their deadline: none PENDING, the initial's shipped is the sum of
 *   its PAID shipments, each shipment answered PAID is PAID, the same keys answer the same, what
 *   was given back ships again, and `esipay verify` exits 0.
 * - A V4 initial killed between the acquirer's approval and its write (a trigger aborts the write,
 *   then the kill, as a process dying there leaves it): PENDING with a deadline, `esipay verify`
 *   past that deadline exits 4 and names it; after a restart it is cancelled (its verification
 *   released), the same key answers it cancelled, and `esipay verify` exits 0.
 *
 * The deadlines are made short through the documented variables (the acquirer's timeout and the
 * grace), so the restart comes after them without waiting long.
 */
const SHORT_DEADLINES = { ESIPAY_ACQUIRER_TIMEOUT_MS: '1000', ESIPAY_ABANDON_GRACE_MS: '1000' };
/** The simulated acquirer takes this long to answer, so a kill finds shipments waiting on it. */
const SLOW_ACQUIRER = { ...SHORT_DEADLINES, ESIPAY_SIMULATOR_DELAY_MS: '300' };
const SHIPMENTS = 80;
const KILL_ON_ANSWER = 5;

interface V4Reply {
  /** 0: no answer (the service died under it). */
  httpStatus: number;
  body?: any;
}

async function v4(serve: ServeProcess, as: { uuid: string; secret: string }, ws: string, body: unknown, key?: string): Promise<V4Reply> {
  try {
    const res = await fetch(`${serve.url}/api-payment/V4/${ws}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Basic ' + Buffer.from(`${as.uuid}:${as.secret}`).toString('base64'),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify(body),
    });
    return { httpStatus: res.status, body: await res.json() };
  } catch {
    return { httpStatus: 0 };
  }
}

const initialOrder = (orderId: string, amount: number) => ({
  amount,
  currency: 'EUR',
  orderId,
  useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION',
  paymentForms: [{ paymentMethodType: 'CARD', pan: '4111111111111111', expiryMonth: '12', expiryYear: '2035' }],
});

/** Waits until every PENDING transaction of the merchant is past its deadline (a time the database holds). */
async function pastDeadlines(db: string, merchant: string): Promise<TransactionRecord[]> {
  const pending = await withStore(db, async (s) => (await allTransactions(s, merchant)).filter((t) => t.status === 'PENDING'));
  for (const t of pending) assert.ok(t.deadlineAt, `${t.kind} ${t.id} has a deadline`);
  const last = Math.max(0, ...pending.map((t) => Date.parse(t.deadlineAt!)));
  if (last >= Date.now()) await delay(last - Date.now() + 20);
  return pending;
}

/** A service on a fresh database, with one merchant; `restart` starts it again on the same database and port. */
interface LiveService {
  db: RawDatabase;
  home: string;
  serve: ServeProcess;
  m: { uuid: string; secret: string };
  restart(): Promise<void>;
}

async function withLiveService(
  database: () => Promise<RawDatabase>,
  env: Record<string, string>,
  fn: (live: LiveService) => Promise<void>,
): Promise<void> {
  const db = await database();
  const { home, cleanup } = tempHome();
  const opts = { db: db.location, args: ['--quiet'], env };
  const serve = await startServe(opts);
  const live: LiveService = {
    db,
    home,
    serve,
    m: { uuid: '', secret: '' },
    restart: async () => {
      live.serve = await restartServe(live.serve, opts);
    },
  };
  try {
    live.m = await registerMerchant(serve, 'http://127.0.0.1:9/return');
    await fn(live);
  } finally {
    await live.serve.stop('SIGKILL').catch(() => undefined);
    cleanup();
    await db.cleanup();
  }
}

const SQLITE_INITIAL_CRASH = {
  arm: `CREATE TRIGGER simulated_crash BEFORE UPDATE OF status ON transactions
        WHEN OLD.status = 'PENDING' AND NEW.status <> 'PENDING' AND OLD.kind = 'initial'
        BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`,
  disarm: 'DROP TRIGGER simulated_crash',
};
const POSTGRES_INITIAL_CRASH = {
  arm:
    `CREATE OR REPLACE FUNCTION simulated_crash() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$;` +
    `CREATE TRIGGER simulated_crash BEFORE UPDATE ON transactions FOR EACH ROW
     WHEN (OLD.status = 'PENDING' AND NEW.status <> 'PENDING' AND OLD.kind = 'initial') EXECUTE FUNCTION simulated_crash()`,
  disarm: 'DROP TRIGGER simulated_crash ON transactions',
};

crashSuite('SQLite', () => rawSqlite('esipay-shipment-crash-'), SQLITE_INITIAL_CRASH);
crashSuite('PostgreSQL', () => rawPostgres('shipment_crash'), POSTGRES_INITIAL_CRASH);

function crashSuite(name: string, database: () => Promise<RawDatabase>, initialCrash: { arm: string; disarm: string }): void {
  describe(`a SIGKILL while V4 writes wait on the acquirer (${name})`, () => {
    it(`${SHIPMENTS} concurrent shipments of 1.00, killed on the ${KILL_ON_ANSWER}th answer: after a restart, none PENDING, shipped = the PAID shipments, the rest ships again, verify exits 0`, async () => {
      await withLiveService(database, SLOW_ACQUIRER, async (live) => {
        const { db, home, m } = live;
        const init = await v4(live.serve, m, 'Charge/CreatePayment', initialOrder('crash-shipments', SHIPMENTS * 100));
        assert.equal(init.body.answer.orderStatus, 'PAID', JSON.stringify(init.body));
        const initial: string = init.body.answer.transactions[0].uuid;

        // All at once; the service dies as the 5th answer arrives.
        const answers: V4Reply[] = [];
        let answered = 0;
        let killed: Promise<{ signal: NodeJS.Signals | null }> | undefined;
        const ship = async (i: number) => {
          const r = await v4(live.serve, m, 'Charge/CreateShipmentTransaction', { amount: 100, uuid: initial }, `ship-${i}`);
          if (r.httpStatus !== 0 && ++answered === KILL_ON_ANSWER) killed = live.serve.stop('SIGKILL');
          answers.push(r);
        };
        // Every request ends with its answer or its cut connection.
        await Promise.all(Array.from({ length: SHIPMENTS }, (_, i) => ship(i)));
        assert.ok(killed, 'the service was killed in the middle of the shipments');
        assert.equal((await killed).signal, 'SIGKILL');
        const paidAnswers = answers.filter((a) => a.httpStatus === 200 && a.body.answer.status === 'PAID');

        const pendingAtKill = await pastDeadlines(db.location, m.uuid);
        assert.ok(pendingAtKill.length > 0, 'the kill caught shipments waiting on the acquirer');
        const beforeRestart = await withStore(db.location, (s) => s.getTransaction(initial));
        // Before any sweep, verify refuses the ledger: one line for each shipment left waiting.
        const stale = await runCli(['verify', '--db', db.location], { home });
        assert.equal(stale.code, 4, stale.stdout);
        const staleLines = stale.stdout.split('\n').filter((l) => l.startsWith('pending_past_deadline: shipment '));
        assert.equal(staleLines.length, pendingAtKill.length, stale.stdout);
        assert.match(staleLines[0]!, /still PENDING past its deadline .*while the acquirer debited it/);
        await live.restart();

        const after = await withStore(db.location, async (s) => ({
          initial: (await s.getTransaction(initial))!,
          shipments: await s.listShipments(initial),
        }));
        assert.deepEqual(
          after.shipments.filter((t) => t.status === 'PENDING').map((t) => t.id),
          [],
          'no shipment left PENDING',
        );
        const paid = after.shipments.filter((t) => t.status === 'PAID');
        const paidSum = paid.reduce((sum, t) => sum + t.amount, 0);
        assert.equal(after.initial.shipped, paidSum, 'shipped is the sum of the PAID shipments');
        for (const a of paidAnswers)
          assert.ok(
            paid.some((t) => t.id === a.body.answer.uuid),
            'a shipment answered PAID stays PAID',
          );
        for (const t of pendingAtKill) {
          const now = after.shipments.find((s) => s.id === t.id)!;
          assert.equal(now.status, 'CANCELLED', `shipment ${t.id} caught by the kill`);
          assert.match(now.reason ?? '', /abandoned.*debit is released/);
        }

        // The merchant retries its requests with the same keys: a recorded one answers what it
        // became (PAID the same shipment, a cancelled one PSP_227), one the kill kept from being
        // recorded ships now; never two shipments under one key.
        const byKey = new Map(after.shipments.map((t) => [t.idemKey, t]));
        const retries = await Promise.all(
          Array.from({ length: SHIPMENTS }, (_, i) =>
            v4(live.serve, m, 'Charge/CreateShipmentTransaction', { amount: 100, uuid: initial }, `ship-${i}`),
          ),
        );
        retries.forEach((r, i) => {
          const was = byKey.get(`shipment:ship-${i}`);
          if (was?.status === 'CANCELLED') {
            assert.equal(r.body.answer.errorCode, 'PSP_227', JSON.stringify(r.body.answer));
            assert.match(r.body.answer.detailedErrorMessage, /cancelled.*released/);
          } else {
            assert.equal(r.body.answer.status, 'PAID', JSON.stringify(r.body.answer));
            if (was) assert.equal(r.body.answer.uuid, was.id, 'the same shipment');
          }
        });
        const stored = await withStore(db.location, (s) => s.listShipments(initial));
        assert.equal(new Set(stored.map((t) => t.idemKey)).size, stored.length, 'one shipment per key');
        const shippedNow = stored.filter((t) => t.status === 'PAID').reduce((sum, t) => sum + t.amount, 0);

        // What the kill stranded is shippable again, to the last cent.
        const rest = SHIPMENTS * 100 - shippedNow;
        assert.ok(rest > 0);
        if (rest > 0) {
          const again = await v4(live.serve, m, 'Charge/CreateShipmentTransaction', { amount: rest, uuid: initial }, 'the-rest');
          assert.equal(again.body.answer.status, 'PAID', JSON.stringify(again.body));
        }
        const got = await v4(live.serve, m, 'Transaction/Get', { uuid: initial });
        assert.equal(got.body.answer.transactionDetails.shipment.shippedAmount, SHIPMENTS * 100);
        assert.equal(got.body.answer.transactionDetails.shipment.remainingAmount, 0);

        await live.serve.stop('SIGTERM');
        const verify = await runCli(['verify', '--db', db.location], { home });
        assert.equal(verify.code, 0, verify.stdout + verify.stderr);
        console.log(
          `[reliability] shipments across a SIGKILL (${name}): ${SHIPMENTS} sent, ${paidAnswers.length} answered PAID before the kill, ` +
            `${pendingAtKill.length} PENDING at the kill (shipped ${beforeRestart!.shipped}) → cancelled and given back by the restart's sweep; ` +
            `${paid.length} PAID after it, ${rest / 100} EUR shipped again, verify exit 0`,
        );
      });
    });

    it('a V4 initial killed between the acquirer and its write: PENDING with a deadline, verify exits 4 naming it; after a restart it is cancelled and released, verify exits 0', async () => {
      await withLiveService(database, SHORT_DEADLINES, async (live) => {
        const { db, home, m } = live;
        await db.exec(initialCrash.arm);
        let crashed;
        try {
          crashed = await v4(live.serve, m, 'Charge/CreatePayment', initialOrder('crash-initial', 5000), 'initial-key');
        } finally {
          await db.exec(initialCrash.disarm);
        }
        assert.equal(crashed.body.status, 'ERROR', 'the acquirer answered, the write did not happen');
        await live.serve.stop('SIGKILL');

        const [left, ...others] = await withStore(db.location, (s) => allTransactions(s, m.uuid));
        assert.equal(others.length, 0);
        assert.equal(left!.kind, 'initial');
        assert.equal(left!.status, 'PENDING', 'the record esipay has of the hold');
        assert.ok(left!.deadlineAt);

        // Nobody swept it: verify, judged past the deadline, refuses the ledger and says which and why.
        const late = new Date(Date.parse(left!.deadlineAt!) + 1000).toISOString();
        const stale = await runCli(['verify', '--db', db.location, '--now', late], { home });
        assert.equal(stale.code, 4, stale.stdout);
        const lines = stale.stdout.split('\n').filter((l) => l.startsWith('pending_past_deadline:'));
        assert.equal(lines.length, 1, stale.stdout);
        assert.match(lines[0]!, new RegExp(`initial ${left!.id} .*PENDING past its deadline .*verified the card`));

        await pastDeadlines(db.location, m.uuid);
        await live.restart();
        const swept = await withStore(db.location, (s) => s.getTransaction(left!.id));
        assert.equal(swept!.status, 'CANCELLED');
        assert.match(swept!.reason ?? '', /verification is released/);
        const replay = await v4(live.serve, m, 'Charge/CreatePayment', initialOrder('crash-initial', 5000), 'initial-key');
        assert.equal(replay.body.answer.orderStatus, 'UNPAID', JSON.stringify(replay.body));
        assert.equal(replay.body.answer.transactions[0].detailedStatus, 'CANCELLED');
        const fresh = await v4(live.serve, m, 'Charge/CreatePayment', initialOrder('crash-initial', 5000), 'initial-key-2');
        assert.equal(fresh.body.answer.orderStatus, 'PAID', 'a new key verifies the card again');

        await live.serve.stop('SIGTERM');
        const verify = await runCli(['verify', '--db', db.location], { home });
        assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      });
    });
  });
}
