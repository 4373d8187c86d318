import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { openStore } from '../../src/store/open-store.js';
import { BarePost } from '../lib/bare-post.js';
import { BareSql } from '../lib/bare-sql.js';
import { startChild } from '../lib/child.js';
import { best, type LoadResult, runFor } from '../lib/load.js';
import { childScript } from '../lib/paths.js';
import { row, type Row } from '../lib/report.js';
import type { BenchOptions } from '../options.js';

/**
 * The embedded engine (LocalEngine over SqliteStore, as the CLI and `esipay serve` use it) against
 * a bare loop doing the same SQLite statements and the same undici POST. Both keep
 * `concurrency` operations in flight against the same callback receiver (its own process); they
 * take turns, `rounds` times each, and the best run of each side counts (background noise on a
 * shared machine only ever slows a run down).
 */
export async function benchEmbedded(opts: BenchOptions, log: (s: string) => void): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-bench-embedded-'));
  const receiver = await startChild(childScript('receiver'), { args: [], ready: /listening on (http:\/\/\S+)/ });
  const load = { durationMs: opts.durationMs, warmupMs: opts.warmupMs, concurrency: opts.concurrency };
  const bare = new BareSql(join(dir, 'bare.db'));
  const post = new BarePost();
  const engine = await LocalEngine.create(await openStore(join(dir, 'esipay.db')));
  try {
    const bareMerchant = bare.addMerchant(receiver.url + '/paid');
    const merchant = (await engine.registerMerchant({ name: 'Bench', ip: '127.0.0.1', returnUrl: receiver.url + '/paid' })).uuid;
    const card = { number: '4111111111111111', month: '12', year: '2030' };
    let cid = 0;

    const sides = {
      barePay: () =>
        runFor(async () => {
          const n = cid++;
          const p = await bare.beginPayment(bareMerchant, `bench-${n}`, 1000);
          const status = await post.send(p.returnUrl, { amount: '10.00', transaction: p.id, cid: `bench-${n}` });
          if (status !== 200) throw new Error(`callback answered ${status}`);
          await bare.settlePayment(p.id);
        }, load),
      esipayPay: () => runFor(async () => engine.pay({ merchant, cid: `bench-${cid++}`, card, amount: '10.00' }), load),
    };
    const pay = await alternate(opts.rounds, log, 'embedded payments', sides.barePay, sides.esipayPay);

    const bareIds = bare.paidIds(10_000);
    const ids = (await engine.listTransactions({ merchant, limit: 1000 })).items.map((t) => t.id);
    const refund = await alternate(
      opts.rounds,
      log,
      'embedded refunds',
      () => runFor(async (n) => bare.refund(bareIds[n % bareIds.length]!, 1), load),
      () => runFor(async (n) => engine.refund({ transaction: ids[n % ids.length]!, amount: '0.01' }), load),
    );

    return [
      row({
        section: 'embedded',
        measure: `payments/s, ${opts.concurrency} in flight`,
        unit: '/s',
        esipay: pay.esipay.perSecond,
        baseline: pay.bare.perSecond,
        baselineName: 'bare SQL + undici POST',
        target: { kind: 'min-ratio', value: 0.6 },
        note: `p50/p99 ${pay.esipay.p50Ms.toFixed(1)}/${pay.esipay.p99Ms.toFixed(1)} ms (bare ${pay.bare.p50Ms.toFixed(1)}/${pay.bare.p99Ms.toFixed(1)} ms); ${cpuNote(pay)}`,
      }),
      row({
        section: 'embedded',
        measure: `refunds/s, ${opts.concurrency} in flight`,
        unit: '/s',
        esipay: refund.esipay.perSecond,
        baseline: refund.bare.perSecond,
        baselineName: 'bare SQL',
        target: { kind: 'min-ratio', value: 0.5 },
        note: cpuNote(refund),
      }),
    ];
  } finally {
    await engine.close();
    await post.close();
    bare.close();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function cpuNote(r: { bare: LoadResult; esipay: LoadResult }): string {
  return `CPU ${Math.round(r.esipay.cpuUsPerOp)} µs/operation (bare ${Math.round(r.bare.cpuUsPerOp)})`;
}

/** Baseline and esipay take turns (the order flips each round); the best of each side is kept. */
async function alternate(
  rounds: number,
  log: (s: string) => void,
  what: string,
  bare: () => Promise<LoadResult>,
  esipay: () => Promise<LoadResult>,
): Promise<{ bare: LoadResult; esipay: LoadResult }> {
  const b: LoadResult[] = [];
  const e: LoadResult[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 === 0 ? (['bare', 'esipay'] as const) : (['esipay', 'bare'] as const)) {
      const res = side === 'bare' ? await bare() : await esipay();
      if (res.errors > 0) throw new Error(`${what} (${side}): ${res.errors} operations failed, first: ${res.firstError}`);
      log(`${what}, ${side}: ${Math.round(res.perSecond)}/s, ${Math.round(res.cpuUsPerOp)} µs CPU/operation`);
      (side === 'bare' ? b : e).push(res);
    }
  }
  return { bare: best(b), esipay: best(e) };
}
