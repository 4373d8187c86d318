import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import pg from 'pg';
import { EsipayError } from '../../src/domain/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { freshPostgresDatabase } from '../helpers/postgres.js';
import { startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { merchant, refund, ticker, transaction } from '../store/fixtures.js';

/**
 * Issue 14 item 1: PostgreSQL connections cut under esipay (an operator's pg_terminate_backend, a
 * failover, a restart). The request on a cut connection fails as unavailable; the process lives
 * on, nothing is recorded that was not answered (or was answered but not recorded), and the next
 * requests work on new connections by themselves.
 */

const TERMINATE = `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
  WHERE datname = current_database() AND pid <> pg_backend_pid()`;

/** Connects to `url`, runs fn, disconnects. */
async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('PostgreSQL connections terminated under esipay', () => {
  test('the store: the call on a terminated connection fails as unavailable, never as an unhandled error; the next ones work', async () => {
    const db = await freshPostgresDatabase('pgconn_store');
    const logged: string[] = [];
    const store = await openStore(db.url, { log: (line) => logged.push(line) });
    try {
      const at = ticker();
      const m = merchant(at());
      await store.insertMerchant(m);
      const paid = transaction(m, at(), { amount: 1000 });
      await store.insertTransaction(paid);
      // Several connections in the pool, idle.
      await Promise.all(Array.from({ length: 4 }, () => store.getTransaction(paid.id)));

      const blocked = await withClient(db.url, async (locker) => {
        // A refund that holds a connection in its transaction, waiting on the row this client locked.
        await locker.query('BEGIN');
        await locker.query('SELECT 1 FROM transactions WHERE id = $1 FOR UPDATE', [paid.id]);
        const pending = store.addRefund(refund(paid, 100, at())).then(
          () => assert.fail('a refund on a terminated connection was answered'),
          (e: unknown) => e,
        );
        await waitForLockWaiter(locker);
        const { rows } = await locker.query(TERMINATE);
        assert.ok(rows[0].n >= 1, 'some esipay connection was terminated');
        await locker.query('ROLLBACK');
        return pending;
      });
      assert.ok(blocked instanceof EsipayError, String(blocked));
      assert.equal(blocked.kind, 'unavailable');
      assert.equal(blocked.code, 'store_unavailable');
      assert.match(blocked.message, /terminating connection due to administrator command/);

      // An idle connection the pool still held may be the next one handed out: that call may fail
      // as unavailable, and only so.
      const next = await store.getTransaction(paid.id).then(
        (t) => t,
        (e: unknown) => {
          assert.ok(e instanceof EsipayError && e.kind === 'unavailable', String(e));
          return undefined;
        },
      );
      if (next) assert.equal(next.refunded, 0);
      assert.equal((await store.addRefund(refund(paid, 100, at()))).ok, true);
      assert.equal((await store.getTransaction(paid.id))!.refunded, 100);
      // Once, with the cause: not once per connection, nor per event of one.
      assert.equal(logged.length, 1, logged.join('\n'));
      assert.match(logged[0]!, /lost a connection to PostgreSQL \(terminating connection due to administrator command\)/);
    } finally {
      await store.close();
      await db.drop();
    }
  });

  test('two esipay serve instances under 60 concurrent refunds, their connections terminated three times: both live on and no money is lost', async (t) => {
    const db = await freshPostgresDatabase('pgconn_serve');
    const receiver = await startReceiver(200);
    const token = `pgconn-${randomBytes(16).toString('hex')}`;
    const env = { ESIPAY_CARD_KEY: randomBytes(32).toString('hex') };
    const serves: ServeProcess[] = [];
    let terminator: pg.Client | undefined;
    try {
      serves.push(...(await Promise.all([0, 1].map(() => startServe({ db: db.url, adminToken: token, env, args: ['--quiet'] })))));
      const at = (i: number) => serves[i % serves.length]!;
      const call = async (i: number, path: string, init: RequestInit = {}) => {
        const res = await fetch(at(i).url + path, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      };
      const reg = await call(0, '/admin/merchants', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Cut shop', ip: '127.0.0.1', returnUrl: `${receiver.url}/paid` }),
      });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      const m = reg.body.uuid as string;
      const year = new Date().getUTCFullYear() + 2;
      const payments: string[] = [];
      for (let i = 0; i < 2; i++) {
        const r = await call(i, `/cardpay/${m}/cut-order-${i}/4111111111111111/12/${year}/3.00`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        payments.push(r.body.id);
      }

      // 60 refunds of 0.37 at once (30 per payment: 11.10, far more than its 3.00), round-robin over
      // the instances; the backends are terminated as the 1st, 20th and 40th answers come back,
      // from one connection of the test's own (each termination spares it).
      const plan = Array.from({ length: 60 }, (_, j) => ({ tx: payments[j % 2]!, amount: 37 }));
      terminator = new pg.Client({ connectionString: db.url });
      await terminator.connect();
      let answered = 0;
      const cuts: Promise<number>[] = [];
      const cutAt = new Set([1, 20, 40]);
      const answers = await Promise.all(
        plan.map(async (r, j) => {
          const a = await call(j, `/cardpay/${m}/${r.tx}/0.37`);
          if (cutAt.has(++answered)) cuts.push(terminator!.query(TERMINATE).then((res) => res.rows[0].n as number));
          return a;
        }),
      );
      const terminated = await Promise.all(cuts);
      assert.equal(terminated.length, 3);
      assert.ok(
        terminated.some((n) => n > 0),
        'connections of the instances were terminated',
      );

      const count = (status: number) => answers.filter((a) => a.status === status).length;
      t.diagnostic(
        `terminated ${terminated.join(', ')} connections; answers: ${count(200)} refunded, ${count(400)} too much, ${count(500)} unavailable`,
      );
      for (const [i, s] of serves.entries()) {
        assert.equal(s.child.exitCode, null, `instance ${i} exited:\n${s.stderr()}`);
        assert.doesNotMatch(s.stderr(), /Unhandled 'error' event|uncaught/i);
      }
      // Every answer: a refund, "too much", or the database unavailable (never a bug's 500).
      for (const a of answers) {
        if (a.status === 200) continue;
        if (a.status === 400) assert.equal(a.body.error.code, 'amount_exceeds_remaining', JSON.stringify(a.body));
        else {
          assert.equal(a.status, 500, JSON.stringify(a.body));
          assert.equal(a.body.error.kind, 'unavailable', JSON.stringify(a.body));
          assert.equal(a.body.error.code, 'store_unavailable', JSON.stringify(a.body));
          assert.match(a.body.error.message, /PostgreSQL is unavailable: \S/);
        }
      }

      // Later requests work, on every instance, on new connections.
      for (let i = 0; i < serves.length; i++) {
        assert.equal((await fetch(`${at(i).url}/healthz`)).status, 200);
        const seen = await call(i, `/admin/transactions/${payments[i]}`);
        assert.equal(seen.status, 200, JSON.stringify(seen.body));
      }

      const store = await openStore(db.url, { migrate: false });
      try {
        for (const tx of payments) {
          const mine = plan.map((r, j) => ({ ...r, answer: answers[j]! })).filter((r) => r.tx === tx);
          const ok = mine.filter((r) => r.answer.status === 200);
          const cut = mine.filter((r) => r.answer.status === 500);
          const record = (await store.getTransaction(tx))!;
          const recorded = await store.listRefunds(tx);
          assert.ok(record.refunded <= record.amount, `${tx}: refunded ${record.refunded} > amount ${record.amount}`);
          assert.equal(
            record.refunded,
            recorded.reduce((sum, r) => sum + r.amount, 0),
            `${tx}: the refunded sum is exactly the sum of its refund records`,
          );
          const ids = new Set(recorded.map((r) => r.id));
          for (const r of ok)
            assert.ok(ids.has(r.answer.body.refund.id), `${tx}: refund ${r.answer.body.refund.id} was answered 200 but not recorded`);
          // A refund whose COMMIT went through just before its connection was cut is recorded but
          // was answered "unavailable": the only kind of record without a 200.
          assert.ok(recorded.length - ok.length <= cut.length, `${tx}: ${recorded.length} refunds recorded for ${ok.length} answered 200`);
          const after = await call(0, `/admin/transactions/${tx}`);
          assert.equal(after.body.refunded, record.refunded);
        }
        // And the money still moves: a refund of what remains, through each instance.
        for (const [i, tx] of payments.entries()) {
          const left = (await store.getTransaction(tx))!;
          if (left.amount === left.refunded) continue;
          const r = await call(i, `/cardpay/${m}/${tx}`);
          assert.equal(r.status, 200, JSON.stringify(r.body));
          assert.equal((await store.getTransaction(tx))!.refunded, left.amount);
        }
      } finally {
        await store.close();
      }
      const lines = serves.map(
        (s) =>
          s
            .stderr()
            .split('\n')
            .filter((l) => /lost a connection to PostgreSQL \(/.test(l)).length,
      );
      t.diagnostic(`"lost a connection" lines per instance: ${lines.join(', ')}`);
      for (const n of lines) assert.ok(n >= 1 && n <= 3, `a line per cut at most, not one per connection: ${n}`);
    } finally {
      await terminator?.end();
      const exits = await Promise.all(serves.map((s) => s.stop()));
      await receiver.close();
      await db.drop();
      for (const [i, e] of exits.entries()) assert.equal(e.code, 0, `instance ${i} did not stop cleanly:\n${serves[i]!.stderr()}`);
    }
  });
});

/** Resolves once another connection waits for a lock this one holds (the store's refund, blocked). */
async function waitForLockWaiter(holder: pg.Client): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    const { rows } = await holder.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].n > 0) return;
  }
  throw new Error('the refund never waited for the locked row');
}
