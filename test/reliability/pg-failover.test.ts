import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import pg from 'pg';
import { EsipayError } from '../../src/domain/errors.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { waitForHealthy } from '../helpers/healthy.js';
import { type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { merchant, ticker } from '../store/fixtures.js';
import { registerMerchant, withStore } from './live.js';
import { jsonCall } from './raw-http.js';

/**
 * Issue 14: failover on a real replicated PostgreSQL. A primary and a synchronous streaming
 * standby (scripts/pg-cluster.sh), two `esipay serve` given both hosts as libpq writes them
 * (postgres://h1:p1,h2:p2/esipay?target_session_attrs=read-write). In a burst of payments and
 * refunds the primary is SIGKILLed, then the standby promoted: every payment and refund answered
 * 200 is on the new primary, the instances serve again within 10 s without a restart, and the
 * ledger check passes there. And a primary fenced read-only (as a demoted one is) gets no more
 * writes: they follow the promoted standby.
 */

const YEAR = new Date().getUTCFullYear() + 2;
/** The burst: a few hundred requests, 12 at a time, over both instances. */
const BURST = 240;
const CONCURRENCY = 12;
/** The primary dies as this many answers came back; the standby is promoted this many answers later. */
const KILL_AT = 60;
const PROMOTE_AFTER = 30;
/** Payments the refunds of the burst draw on (50.00 each, far more than the burst refunds). */
const REFUNDED = 6;

interface Answer {
  what: 'payment' | 'refund';
  tx?: string;
  status: number;
  body: any;
  /** When the answer came (performance.now()). */
  at: number;
}

describe('PostgreSQL failover under esipay: a primary and its synchronous standby', () => {
  test('the primary SIGKILLed in a burst, the standby promoted: two esipay serve on the multi-host URL; every payment and refund answered 200 is on the new primary; both serve again within 10 s; verify passes', async (t) => {
    const cluster: PgCluster = await startPgCluster();
    const home = tempHome();
    let receiver: Receiver | undefined;
    const serves: ServeProcess[] = [];
    try {
      receiver = await startReceiver(200);
      const token = `failover-${randomBytes(16).toString('hex')}`;
      const env = { ESIPAY_CARD_KEY: randomBytes(32).toString('hex') };
      serves.push(...(await Promise.all([0, 1].map(() => startServe({ db: cluster.url, adminToken: token, env, args: ['--quiet'] })))));
      const m = await registerMerchant(serves[0]!, `${receiver.url}/paid`, 'Failover shop');
      const via = (i: number) => serves[i % serves.length]!.url;
      const pay = (i: number, cid: string, amount: string) =>
        jsonCall(`${via(i)}/cardpay/${m.uuid}/${cid}/4111111111111111/12/${YEAR}/${amount}`);
      const refund = (i: number, tx: string) => jsonCall(`${via(i)}/cardpay/${m.uuid}/${tx}/0.10`);

      const sources: string[] = [];
      for (let i = 0; i < REFUNDED; i++) {
        const r = await pay(i, `source-${i}`, '50.00');
        assert.equal(r.status, 200, JSON.stringify(r.body));
        sources.push(r.body.id);
      }

      // Promotes the standby; then each instance, by itself, answers /healthz 200 within 10 s:
      // resolves with how long after the promotion each did (watched while the burst goes on).
      const promoteAndWatch = async () => {
        await cluster.promote();
        const promotedAt = performance.now();
        const backMs = await Promise.all(
          serves.map((s) => waitForHealthy(s.url, 10_000).then(() => Math.round(performance.now() - promotedAt))),
        );
        return { promotedAt, backMs };
      };

      // The burst: two payments for each refund, round-robin over the instances.
      let next = 0;
      let answered = 0;
      let killing: Promise<void> | undefined;
      let promoting: ReturnType<typeof promoteAndWatch> | undefined;
      let killedAnswers = -1;
      const answers: Answer[] = [];
      const onAnswer = () => {
        answered++;
        if (answered === KILL_AT) killing = cluster.kill('primary').then(() => void (killedAnswers = answered));
        if (killedAnswers >= 0 && !promoting && answered >= killedAnswers + PROMOTE_AFTER) promoting = promoteAndWatch();
      };
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < BURST) {
            const j = next++;
            const tx = sources[j % REFUNDED]!;
            const a: Omit<Answer, 'at'> =
              j % 3 === 2 ? { what: 'refund', tx, ...(await refund(j, tx)) } : { what: 'payment', ...(await pay(j, `burst-${j}`, '1.00')) };
            answers.push({ ...a, at: performance.now() });
            onAnswer();
          }
        }),
      );
      await killing;
      // A burst that drained before the promotion was due still gets its standby promoted.
      const { promotedAt, backMs } = await (promoting ?? promoteAndWatch());

      const ok = answers.filter((a) => a.status === 200);
      const unavailable = answers.filter((a) => a.status === 500 && a.body?.error?.kind === 'unavailable');
      t.diagnostic(
        `burst of ${answers.length}: ${ok.length} answered 200 (${ok.filter((a) => a.what === 'payment').length} payments, ` +
          `${ok.filter((a) => a.what === 'refund').length} refunds), ${unavailable.length} unavailable ` +
          `(${unavailable.filter((a) => a.at > promotedAt).length} of them after the promotion); ` +
          `serving again ${backMs.join(' ms and ')} ms after the promotion`,
      );
      for (const a of answers) {
        if (a.status === 200) continue;
        assert.equal(a.status, 500, JSON.stringify(a));
        assert.equal(a.body.error.kind, 'unavailable', JSON.stringify(a));
        assert.equal(a.body.error.code, 'store_unavailable', JSON.stringify(a));
      }
      assert.ok(unavailable.length > 0, 'some requests met the dead primary');
      for (const [i, s] of serves.entries()) {
        assert.equal(s.child.exitCode, null, `instance ${i} exited:\n${s.stderr()}`);
        assert.doesNotMatch(s.stderr(), /Unhandled 'error' event|uncaught/i, `instance ${i}`);
      }

      // Every acknowledged write is on the new primary.
      await withStore(cluster.nodeUrl('standby'), async (store) => {
        for (const a of ok.filter((x) => x.what === 'payment')) {
          const tx = await store.getTransaction(a.body.id);
          assert.equal(tx?.status, 'PAID', `payment ${a.body.id} was answered 200`);
        }
        const refunds = new Map<string, Set<string>>();
        for (const tx of sources) refunds.set(tx, new Set((await store.listRefunds(tx)).map((r) => r.id)));
        for (const a of ok.filter((x) => x.what === 'refund'))
          assert.ok(refunds.get(a.tx!)!.has(a.body.refund.id), `refund ${a.body.refund.id} of ${a.tx} was answered 200`);
      });

      // And both instances take money again, on the new primary.
      for (let i = 0; i < serves.length; i++) {
        const p = await pay(i, `after-${i}`, '2.00');
        assert.equal(p.status, 200, JSON.stringify(p.body));
        const r = await refund(i, sources[i]!);
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
      const lines = serves.flatMap((s) => s.stderr().split('\n')).filter((l) => /PostgreSQL/.test(l));
      assert.ok(
        lines.some((l) => l.includes(`writing to 127.0.0.1:${cluster.ports.standby}`)),
        `each instance says where it writes now:\n${lines.join('\n')}`,
      );

      const verify = await runCli(['verify', '--db', cluster.nodeUrl('standby')], { home: home.home });
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    } finally {
      const exits = await Promise.all(serves.map((s) => s.stop()));
      await receiver?.close();
      await cluster.stop();
      home.cleanup();
      for (const [i, e] of exits.entries()) assert.equal(e.code, 0, `instance ${i} did not stop cleanly:\n${serves[i]!.stderr()}`);
    }
  });

  test('a primary that turns read-only under a running store gets no more of its writes: they go to the promoted standby; listed first, the standby is passed over', async () => {
    const cluster = await startPgCluster();
    const logged: string[] = [];
    // The standby first: esipay looks for the writable one, wherever it is in the list.
    const url = `postgres://postgres@127.0.0.1:${cluster.ports.standby},127.0.0.1:${cluster.ports.primary}/esipay?target_session_attrs=read-write`;
    let store: Store | undefined;
    try {
      store = await openStore(url, { log: (l) => logged.push(l) });
      const at = ticker();
      const first = merchant(at());
      await store.insertMerchant(first);
      assert.deepEqual(await merchantsOn(cluster.nodeUrl('primary'), [first.id]), [first.id]);

      // The primary is fenced (every new transaction read-only), then the standby promoted.
      await sql(cluster.nodeUrl('primary'), 'ALTER SYSTEM SET default_transaction_read_only = on', 'SELECT pg_reload_conf()');
      await cluster.promote();
      // A session of the old primary reads the new setting before its next statement, so from
      // here on a write there fails as unavailable (25006) and makes the store look for the
      // writable host: the first write that succeeds is on the promoted standby, and only there.
      let landed: string | undefined;
      for (let i = 0; i < 400 && !landed; i++) {
        const m = merchant(at());
        landed = await store.insertMerchant(m).then(
          () => m.id,
          (e: unknown) => {
            assert.ok(e instanceof EsipayError && e.kind === 'unavailable', String(e));
            return undefined;
          },
        );
        // Polling the store until it writes again, as a client would.
        if (!landed) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.ok(landed, `the store never wrote again:\n${logged.join('\n')}`);
      assert.deepEqual(await merchantsOn(cluster.nodeUrl('standby'), [landed]), [landed]);
      assert.deepEqual(await merchantsOn(cluster.nodeUrl('primary'), [landed]), []);
      assert.ok(
        logged.some((l) => l.includes(`PostgreSQL 127.0.0.1:${cluster.ports.primary} no longer takes writes (it is read-only now)`)),
        logged.join('\n'),
      );
      assert.ok(
        logged.some((l) => l.includes(`writing to 127.0.0.1:${cluster.ports.standby}`)),
        logged.join('\n'),
      );
    } finally {
      await store?.close();
      await cluster.stop();
    }
  });
});

/** The ids among `ids` that the merchants table of this node holds. */
async function merchantsOn(url: string, ids: string[]): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query('SELECT id FROM merchants WHERE id = ANY($1::text[]) ORDER BY id', [ids])).rows.map((r) => r.id as string);
  } finally {
    await c.end();
  }
}

async function sql(url: string, ...statements: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}
