import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatDecimal } from '../../src/money/amount.js';
import { checkLedger } from '../../src/verify/ledger-check.js';
import { runCli } from '../helpers/cli.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { allTransactions, delay, registerMerchant, restartServe, seededRandom, tempDir, withStore } from './live.js';
import { startMerchantServer } from './merchant-server.js';
import { rawRequest } from './raw-http.js';

const KILLS = 3;
const CLIENTS = 6;
const MAX_OPS_PER_CLIENT = 400;
const CALLBACK_TIMEOUT_MS = 2000;
const CARD = '4111111111111111/12/2040';

type PayLog = { kind: 'pay'; merchant: string; cid: string; amount: number; status: number; code?: string; tx?: string };
type RefundLog = { kind: 'refund'; merchant: string; tx: string; amount: number; status: number; code?: string; refund?: string };

describe('crash safety: SIGKILL under load, restart, verify', () => {
  it('loses nothing that was answered 200, doubles nothing, and cancels the payments caught waiting', { timeout: 240_000 }, async () => {
    const rand = seededRandom('crash safety');
    const { dir, cleanup } = tempDir('esipay-crash-');
    const db = join(dir, 'esipay.db');
    // The return URL takes a while, so that kills catch payments waiting on it.
    const merchantServer = await startMerchantServer(() => ({ status: 200, delayMs: 20 + Math.floor(rand() * 250) }));
    const serveOpts = { db, args: ['--callback-timeout', String(CALLBACK_TIMEOUT_MS), '--quiet'] };
    let serve: ServeProcess = await startServe(serveOpts);
    try {
      const merchants = [
        (await registerMerchant(serve, merchantServer.url, 'A')).uuid,
        (await registerMerchant(serve, merchantServer.url, 'B')).uuid,
      ];
      const log: (PayLog | RefundLog)[] = [];
      const paid: { merchant: string; tx: string; amount: number }[] = [];
      const pendingAtKill = new Set<string>();
      let sent = 0;
      let up: Promise<void> = Promise.resolve();
      let stop = false;

      const send = async (target: string) => {
        sent++;
        return rawRequest(serve.url, { method: rand() < 0.5 ? 'GET' : 'POST', target, timeoutMs: 8_000 });
      };

      const client = async (c: number) => {
        for (let i = 0; i < MAX_OPS_PER_CLIENT && !stop; i++) {
          const merchant = merchants[(c + i) % 2]!;
          const mine = paid.filter((p) => p.merchant === merchant);
          if (mine.length > 0 && rand() < 0.35) {
            const p = mine[Math.floor(rand() * mine.length)]!;
            const amount = 1 + Math.floor(rand() * Math.ceil(p.amount / 3));
            const a = await send(`/cardpay/${merchant}/${p.tx}/${formatDecimal(amount, 'EUR')}`);
            const body = a.status ? JSON.parse(a.body) : undefined;
            // A refund has no idempotency key in v2: one whose answer was lost is not retried (its outcome is unknown).
            log.push({ kind: 'refund', merchant, tx: p.tx, amount, status: a.status, code: body?.error?.code, refund: body?.refund?.id });
            if (a.status === 0) await up;
            continue;
          }
          const cid = `c${c}-${i}`;
          const amount = 100 + Math.floor(rand() * 9900);
          const target = `/cardpay/${merchant}/${cid}/${CARD}/${formatDecimal(amount, 'EUR')}`;
          let a = await send(target);
          // The answer was lost in a crash: the same cid again, once the service is back (charged once).
          for (let retry = 0; retry < 3 && a.status === 0; retry++) {
            await up;
            a = await send(target);
          }
          const body = a.status ? JSON.parse(a.body) : undefined;
          log.push({
            kind: 'pay',
            merchant,
            cid,
            amount,
            status: a.status,
            code: body?.error?.code,
            tx: body?.id ?? body?.transaction?.id,
          });
          if (a.status === 200) paid.push({ merchant, tx: body.id, amount });
        }
      };

      const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
      for (let k = 0; k < KILLS; k++) {
        await delay(1500 + Math.floor(rand() * 2500)); // a random moment under load
        let back!: () => void;
        up = new Promise<void>((resolve) => (back = resolve));
        const exit = await serve.stop('SIGKILL');
        assert.equal(exit.signal, 'SIGKILL');
        await withStore(db, async (store) => {
          for (const m of merchants) for (const t of await allTransactions(store, m)) if (t.status === 'PENDING') pendingAtKill.add(t.id);
        });
        serve = await restartServe(serve, serveOpts);
        back();
      }
      await delay(2000);
      stop = true;
      await Promise.all(clients);

      // Payments a kill caught stay PENDING until their deadline (callback timeout + grace); past
      // it, a start of the service cancels them. Wait for that time (known), then restart.
      const deadline = await withStore(db, async (store) => {
        let last = 0;
        for (const m of merchants)
          for (const t of await allTransactions(store, m)) if (t.status === 'PENDING') last = Math.max(last, Date.parse(t.deadlineAt!));
        return last;
      });
      if (deadline > Date.now()) await delay(deadline - Date.now() + 50);
      await serve.stop('SIGTERM');
      serve = await restartServe(serve, serveOpts);
      await serve.stop('SIGTERM');

      const verify = await runCli(['verify', '--db', db, '--json'], { home: dir });
      assert.equal(verify.code, 0, verify.stdout);
      const report = verify.json();

      await withStore(db, async (store) => {
        const byId = new Map<string, Awaited<ReturnType<typeof allTransactions>>[number]>();
        const byCid = new Map<string, number>();
        for (const m of merchants) {
          for (const t of await allTransactions(store, m)) {
            byId.set(t.id, t);
            byCid.set(`${m}/${t.cid}`, (byCid.get(`${m}/${t.cid}`) ?? 0) + 1);
          }
        }
        // One transaction per cid: retries after a crash never charged twice.
        for (const [cid, n] of byCid) assert.equal(n, 1, `cid ${cid} has ${n} transactions`);
        // Every payment answered 200 is recorded PAID, with its amount, and its return URL was called once.
        const callbacksByTx = new Map<string, number>();
        for (const cb of merchantServer.callbacks)
          callbacksByTx.set(cb.fields.transaction!, (callbacksByTx.get(cb.fields.transaction!) ?? 0) + 1);
        for (const op of log.filter((o): o is PayLog => o.kind === 'pay' && o.status === 200)) {
          const t = byId.get(op.tx!);
          assert.ok(t, `paid ${op.cid} is recorded`);
          assert.equal(t.status, 'PAID');
          assert.equal(t.amount, op.amount);
          assert.equal(t.cid, op.cid);
          assert.equal(callbacksByTx.get(t.id), 1, `one callback for ${op.cid}`);
        }
        for (const [tx, n] of callbacksByTx) assert.ok(n <= 1, `${n} callbacks for ${tx}`);
        // Every refund answered 200 is recorded; refunds whose answer was lost may or may not be.
        const refundOps = log.filter((o): o is RefundLog => o.kind === 'refund');
        for (const [txId, t] of byId) {
          const recorded = await store.listRefunds(txId);
          const acked = refundOps.filter((o) => o.tx === txId && o.status === 200);
          const unknown = refundOps.filter((o) => o.tx === txId && o.status === 0);
          for (const op of acked)
            assert.ok(
              recorded.some((r) => r.id === op.refund && r.amount === op.amount),
              `refund ${op.refund} recorded`,
            );
          assert.ok(recorded.length - acked.length <= unknown.length, `refunds of ${txId} that no client asked for`);
          assert.equal(
            t.refunded,
            recorded.reduce((s, r) => s + r.amount, 0),
          );
        }
        // Nothing left PENDING; every payment a kill caught waiting ended CANCELLED, never PAID.
        assert.equal([...byId.values()].filter((t) => t.status === 'PENDING').length, 0);
        for (const id of pendingAtKill) assert.equal(byId.get(id)?.status, 'CANCELLED', `payment ${id} caught by a kill`);
        const ledger = await checkLedger(store);
        assert.deepEqual(ledger.violations, []);
      });

      const pays = log.filter((o) => o.kind === 'pay');
      const refunds = log.filter((o) => o.kind === 'refund');
      console.log(
        `[reliability] crash safety: ${sent} requests sent (${pays.length} payments, ${refunds.length} refunds), ` +
          `${pays.filter((o) => o.status === 200).length + refunds.filter((o) => o.status === 200).length} answered 200, ` +
          `${KILLS} SIGKILLs survived, ${pendingAtKill.size} payments caught waiting → CANCELLED, ` +
          `${report.counts.transactions} transactions and ${report.counts.refunds} refunds verified, invariants violated: ${report.violations.length}`,
      );
      assert.ok(pendingAtKill.size + pays.length > 0);
    } finally {
      await serve.stop('SIGKILL').catch(() => undefined);
      await merchantServer.close();
      cleanup();
    }
  });
});
