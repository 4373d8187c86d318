import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatDecimal } from '../../src/money/amount.js';
import { checkLedger } from '../../src/verify/ledger-check.js';
import { runCli } from '../helpers/cli.js';
import { freshPostgresDatabase } from '../helpers/postgres.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { registerMerchant, restartServe, seededRandom, tempDir, withStore } from './live.js';
import { startMerchantServer } from './merchant-server.js';
import { type RawAnswer, rawRequest } from './raw-http.js';

const PAYMENTS = 8;
const REFUNDS_PER_PAYMENT = 10;
const PAYMENT = 10_000; // 100.00 EUR
const CARD = '4111111111111111/12/2040';
const MAX_BURSTS = 20;

/** One keyed v2 refund of the burst: a partial one (amount) or all that remains (none). */
interface Planned {
  key: string;
  tx: string;
  amount?: number;
  first?: RawAnswer;
  last?: RawAnswer;
}

/**
 * SIGKILL of `esipay serve` in the middle of 80 concurrent keyed v2 refunds, restart, and every
 * request sent again with its key, as a merchant's retry loop would: each refund exists exactly
 * once, every retry of an answered request gets the same refund back, the sums are exact, and
 * `esipay verify` exits 0. Half the payments also get a full refund (no amount) in the burst,
 * which takes whatever its partial siblings left and must be replayed as that, not again. On
 * SQLite a burst's commit and its answers are written in one turn of the event loop, so a kill
 * lands before a commit or after its answers, and may come after all of them: another burst
 * then, until one is caught in flight.
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`refund idempotency keys across a SIGKILL (${backend})`, () => {
    it('retried with their keys, 80 refunds caught by a crash each refund exactly once', { timeout: 180_000 }, async () => {
      const rand = seededRandom(`refund crash (${backend})`);
      const { dir, cleanup } = tempDir('esipay-refund-crash-');
      const pgdb = backend === 'postgres' ? await freshPostgresDatabase('refund_crash') : undefined;
      const db = pgdb?.url ?? join(dir, 'esipay.db');
      const merchantServer = await startMerchantServer(() => ({ status: 200 }));
      const serveOpts = { db, args: ['--quiet'] };
      let serve: ServeProcess = await startServe(serveOpts);
      try {
        const merchant = (await registerMerchant(serve, merchantServer.url)).uuid;
        const send = (p: Planned) =>
          rawRequest(serve.url, {
            method: rand() < 0.5 ? 'GET' : 'POST',
            target: `/cardpay/${merchant}/${p.tx}${p.amount === undefined ? '' : `/${formatDecimal(p.amount, 'EUR')}`}`,
            headers: { 'idempotency-key': p.key },
            timeoutMs: 15_000,
          });

        const payments: { tx: string; full: boolean }[] = [];
        const plan: Planned[] = [];
        /** One burst of 80 on fresh payments, the service killed at its first answer: how many lost theirs. */
        const burst = async (round: number): Promise<Planned[]> => {
          const mine: Planned[] = [];
          for (let i = 0; i < PAYMENTS; i++) {
            const a = await rawRequest(serve.url, { method: 'GET', target: `/cardpay/${merchant}/crash-${round}-${i}/${CARD}/100.00` });
            assert.equal(a.status, 200, a.body);
            const tx = JSON.parse(a.body).id as string;
            const full = i % 2 === 1;
            payments.push({ tx, full });
            // Partial refunds of 1.00 to 9.00: ten of them always fit in 100.00.
            for (let j = 0; j < REFUNDS_PER_PAYMENT; j++) {
              const amount = full && j === REFUNDS_PER_PAYMENT - 1 ? undefined : (1 + Math.floor(rand() * 9)) * 100;
              mine.push({ key: `crash-${backend}-${round}-${i}-${j}`, tx, ...(amount !== undefined ? { amount } : {}) });
            }
          }
          shuffle(mine, rand);
          plan.push(...mine);
          let killed: Promise<Awaited<ReturnType<ServeProcess['stop']>>> | undefined;
          await Promise.all(
            mine.map(async (p) => {
              p.first = await send(p);
              if (p.first.status !== 0) killed ??= serve.stop('SIGKILL');
            }),
          );
          assert.ok(killed, 'a refund was answered before the kill');
          assert.equal((await killed).signal, 'SIGKILL');
          serve = await restartServe(serve, serveOpts);
          return mine.filter((p) => p.first!.status === 0);
        };
        // The service may answer a whole burst before the kill lands (one group commit): then
        // another burst, until a kill catches refunds in flight (bounded).
        let lost: Planned[] = [];
        let bursts = 0;
        while (bursts < MAX_BURSTS && lost.length === 0) lost = await burst(bursts++);
        assert.ok(lost.length > 0, `none of ${MAX_BURSTS} kills caught a refund in flight`);
        const committedUnanswered = await withStore(db, async (s) => {
          let n = 0;
          for (const p of lost) if (await s.findRefundByKey(merchant, p.key)) n++;
          return n;
        });

        for (const p of plan) p.last = await send(p);

        for (const p of plan) {
          const last = JSON.parse(p.last!.body);
          if (p.first!.status === 200) {
            // An answered refund: its retry is the same refund, nothing refunded again.
            assert.equal(p.last!.status, 200, p.last!.body);
            assert.deepEqual(last.refund, JSON.parse(p.first!.body).refund);
            assert.equal(last.replayed, true);
          } else if (p.first!.status !== 0) {
            // A refused request holds no key: its retry is decided afresh. Only a full refund may
            // then succeed, refused at first by a partial one that took part of what remained
            // between its read and its write.
            assert.equal(p.first!.status, 400, p.first!.body);
            assert.equal(JSON.parse(p.first!.body).error.code, 'amount_exceeds_remaining');
            if (p.last!.status === 200) assert.equal(p.amount, undefined, `${p.key}: ${p.first!.body} then ${p.last!.body}`);
          }
          if (p.last!.status !== 200) {
            // Only a partial refund after its payment's full refund may be refused: nothing remained.
            assert.equal(p.last!.status, 400, p.last!.body);
            assert.equal(last.error.code, 'amount_exceeds_remaining');
            assert.ok(payments.find((x) => x.tx === p.tx)!.full, `${p.key} refused on a payment with no full refund`);
          } else if (p.amount !== undefined) assert.equal(last.refund.amount, p.amount);
        }
        await serve.stop('SIGTERM');

        await withStore(db, async (s) => {
          for (const p of plan) {
            const held = await s.findRefundByKey(merchant, p.key);
            if (p.last!.status === 200) assert.equal(held?.refund.id, JSON.parse(p.last!.body).refund.id, p.key);
            else assert.equal(held, undefined, `${p.key} was refused yet holds a refund`);
          }
          for (const { tx, full } of payments) {
            const answered = plan
              .filter((p) => p.tx === tx && p.last!.status === 200)
              .map((p) => JSON.parse(p.last!.body).refund as { id: string; amount: number });
            const recorded = await s.listRefunds(tx);
            // Exactly once: the refunds recorded are the ones answered, each once.
            assert.deepEqual(recorded.map((r) => r.id).sort(), answered.map((r) => r.id).sort());
            const t = (await s.getTransaction(tx))!;
            const sum = recorded.reduce((a, r) => a + r.amount, 0);
            assert.equal(t.refunded, sum);
            const planned = plan.filter((p) => p.tx === tx).reduce((a, p) => a + (p.amount ?? 0), 0);
            assert.equal(t.refunded, full ? PAYMENT : planned, `refunded on ${tx}`);
          }
          assert.deepEqual((await checkLedger(s)).violations, []);
        });
        const verify = await runCli(['verify', '--db', db, '--json'], { home: dir });
        assert.equal(verify.code, 0, verify.stdout);

        const refunded = plan.filter((p) => p.last!.status === 200).length;
        console.log(
          `[reliability] refund keys across a SIGKILL (${backend}): ${bursts} burst(s) of 80 keyed refunds, ${lost.length} unanswered at the last kill ` +
            `(${committedUnanswered} of them committed), all retried with their keys: ${refunded} refunds, each recorded once, ` +
            `${plan.length - refunded} refused (nothing left after a full refund); verify exit ${verify.code}`,
        );
      } finally {
        await serve.stop('SIGKILL').catch(() => undefined);
        await merchantServer.close();
        await pgdb?.drop();
        cleanup();
      }
    });
  });
}

function shuffle<T>(items: T[], rand: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
