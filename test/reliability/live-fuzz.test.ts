import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkLedger } from '../../src/verify/ledger-check.js';
import { startServe } from '../helpers/serve.js';
import { allTransactions, registerMerchant, tempDir, withStore } from './live.js';
import { startMerchantServer } from './merchant-server.js';
import { type RawAnswer, rawRequest } from './raw-http.js';

const CASES = Number(process.env.ESIPAY_LIVE_FUZZ_CASES ?? 3000);
const CONCURRENCY = 8;
/** Every answer must come within this (the return URL answers at once here). */
const ANSWER_LIMIT_MS = 5_000;
/** The documented 500s of the v2 API: the return URL failed (payment cancelled), the acquirer failed. */
const DOCUMENTED_500 = new Set(['callback_failed', 'acquirer_error']);
/** Card numbers the fuzzer puts in the card position: they must never be echoed or logged. */
const PANS = [
  '4111111111111111',
  '5555555555554444',
  '4000000000000002',
  '4000000000000119',
  '378282246310005',
  '4111111111111112',
  '41111111111111111',
];

/** Percent-encodes a string so any content fits in a request line. */
const enc = (s: string) => encodeURIComponent(s);

function requestArbitrary(ctx: { merchants: string[]; txs: string[] }) {
  const hostile = fc.oneof(
    fc.constantFrom(
      '',
      '.',
      '..',
      '%2F',
      '%2f..%2f',
      '%00',
      '%',
      '%zz',
      '%E0%A4%A',
      '%C0%AF',
      '~',
      '%20',
      '+',
      '*',
      '$',
      'null',
      'undefined',
      '[]',
      '{}',
      '__proto__',
      'constructor',
    ),
    fc.string({ maxLength: 40 }).map(enc),
    fc.string({ maxLength: 20, unit: 'binary' }).map(enc),
    fc.stringMatching(/^[A-Za-z0-9._~-]{1,300}$/),
  );
  /** Mostly valid, sometimes hostile: enough requests get deep into the use cases. */
  const mostly = <T>(valid: fc.Arbitrary<T>, bad: fc.Arbitrary<string>) =>
    fc.oneof({ weight: 6, arbitrary: valid.map(String) }, { weight: 1, arbitrary: bad });
  const amount = fc.oneof(
    fc.constantFrom('10.00', '0.01', '1', '0', '0.00', '-5', '1e3', '1.001', '12,50', '99999999999999999', 'NaN', 'Infinity', '5.'),
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 999999 }).map((n) => (n / 100).toFixed(2)) },
  );
  const merchant = mostly(fc.constantFrom(...ctx.merchants), fc.oneof(fc.uuid(), hostile));
  const cid = mostly(fc.stringMatching(/^(ok|fail)-[0-9]{1,6}$/), hostile);
  const card = mostly(
    fc.constantFrom(...PANS),
    fc.oneof(
      fc.stringMatching(/^\d{0,22}$/).filter((s) => !/\d{12,}/.test(s)),
      hostile,
    ),
  );
  const month = mostly(fc.constantFrom('12', '1', '01'), fc.oneof(fc.constantFrom('0', '13', '99', '-1'), hostile));
  const year = mostly(fc.constantFrom('2040', '40'), fc.oneof(fc.constantFrom('2020', '1999', '3000', '0'), hostile));
  const tx = mostly(fc.constantFrom(...ctx.txs), fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), hostile));
  const pay = fc.tuple(merchant, cid, card, month, year, amount).map((p) => `/cardpay/${p.join('/')}`);
  const refund = fc
    .tuple(merchant, tx, fc.option(amount, { nil: undefined }))
    .map(([m, t, a]) => `/cardpay/${m}/${t}${a === undefined ? '' : `/${a}`}`);
  const anyV2 = fc.array(hostile, { maxLength: 9 }).map((segs) => `/cardpay/${segs.join('/')}`);
  const admin = fc
    .tuple(
      fc.constantFrom('merchants', 'transactions', 'initials', 'shipments', 'links', 'x'),
      fc.array(fc.oneof(hostile, fc.constantFrom(...ctx.merchants, ...ctx.txs, 'refunds', 'rotate-secret', 'totals')), { maxLength: 3 }),
    )
    .map(([root, rest]) => `/admin/${[root, ...rest].join('/')}`);
  const other = fc.oneof(
    fc.constantFrom('/', '/healthz', '/healthz/', '//cardpay', '/cardpay', '/CARDPAY/x/y', '/v4/x', '/pay', '*', 'http://evil/cardpay'),
    fc.string({ maxLength: 60 }).map((s) => '/' + enc(s)),
  );
  const target = fc.oneof(
    { weight: 4, arbitrary: pay },
    { weight: 3, arbitrary: refund },
    { weight: 2, arbitrary: anyV2 },
    { weight: 2, arbitrary: admin },
    { weight: 1, arbitrary: other },
  );
  const query = fc.option(
    fc.string({ maxLength: 30 }).map((q) => '?' + enc(q)),
    { nil: '' },
  );
  const body = fc.oneof(
    fc.constant(undefined),
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 200 }),
    fc.constantFrom(
      '{"amount":1e400}',
      '{"__proto__":{"admin":true}}',
      '[',
      '{"name":"x","ip":"127.0.0.1","returnUrl":"javascript:alert(1)"}',
    ),
  );
  const auth = fc.option(
    fc.constantFrom('Bearer wrong-token-xxxxxxxxxxxx', 'Bearer ', 'Basic Zm9vOmJhcg==', 'Bearer ' + 'a'.repeat(5000)),
    { nil: undefined },
  );
  return fc.record({
    method: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('GET', 'POST') },
      { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS', 'BREW') },
    ),
    target: fc.tuple(target, query).map(([t, q]) => t + q),
    body,
    auth,
  });
}

describe('fuzzing the live service', () => {
  it(
    'thousands of hostile requests: no undocumented 500, no crash, nothing stored from a rejection, answers in time',
    { timeout: 240_000 },
    async () => {
      const { dir, cleanup } = tempDir('esipay-fuzz-');
      const db = join(dir, 'esipay.db');
      // cids starting with fail- get a 500 from the return URL: the payment is cancelled (a documented 500).
      const merchantServer = await startMerchantServer((cb) => ({ status: cb.fields.cid?.startsWith('fail-') ? 500 : 200 }));
      const serve = await startServe({ db, args: ['--callback-timeout', '2000'] });
      try {
        const merchants = [
          (await registerMerchant(serve, merchantServer.url, 'A')).uuid,
          (await registerMerchant(serve, merchantServer.url, 'B')).uuid,
        ];
        const txs: string[] = [];
        for (const m of merchants) {
          const a = await rawRequest(serve.url, { method: 'GET', target: `/cardpay/${m}/seed/4111111111111111/12/2040/500.00` });
          txs.push(JSON.parse(a.body).id);
        }
        const seed = Number(process.env.ESIPAY_RELIABILITY_SEED ?? Date.now() % 2 ** 31);
        console.log(`[reliability] live fuzz: seed ${seed}, ${CASES} requests`);
        const requests = fc.sample(requestArbitrary({ merchants, txs }), { numRuns: CASES, seed });

        const seenTx = new Set(txs);
        const seenRefunds = new Set<string>();
        const failedAttempts = new Set<string>();
        const statuses = new Map<number, number>();
        const problems: string[] = [];
        let slowest = 0;
        const judge = (r: (typeof requests)[number], a: RawAnswer) => {
          statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
          slowest = Math.max(slowest, a.ms);
          const what = `${r.method} ${r.target.slice(0, 120)} → ${a.status} ${a.error ?? ''} ${a.body.slice(0, 200)}`;
          if (a.status === 0) problems.push(`no answer: ${what}`);
          if (a.ms > ANSWER_LIMIT_MS) problems.push(`slow (${Math.round(a.ms)} ms): ${what}`);
          let doc: any;
          try {
            doc = JSON.parse(a.body);
          } catch {
            doc = undefined;
          }
          if (a.status >= 500 && !DOCUMENTED_500.has(doc?.error?.code)) problems.push(`undocumented ${a.status}: ${what}`);
          for (const pan of PANS) if (a.body.includes(pan)) problems.push(`card number echoed: ${what}`);
          for (const id of [doc?.id, doc?.transaction?.id, doc?.refund?.transaction]) if (typeof id === 'string') seenTx.add(id);
          if (typeof doc?.refund?.id === 'string') seenRefunds.add(doc.refund.id);
          // An acquirer failure records the attempt FAILED (so the cid cannot be reused); its answer carries it too.
          if (doc?.error?.code === 'acquirer_error') {
            const [, , m, c] = r.target.split('?')[0]!.split('/');
            failedAttempts.add(`${decodeURIComponent(m!)}/${decodeURIComponent(c!)}`);
          }
        };

        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < requests.length) {
              const r = requests[next++]!;
              const headers: Record<string, string> = r.auth ? { authorization: r.auth } : {};
              const body = r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
              if (body !== undefined) headers['content-type'] = 'application/json';
              judge(
                r,
                await rawRequest(serve.url, {
                  method: r.method,
                  target: r.target,
                  headers,
                  ...(body !== undefined ? { body } : {}),
                  timeoutMs: ANSWER_LIMIT_MS * 2,
                }),
              );
            }
          }),
        );

        assert.deepEqual(problems.slice(0, 20), []);
        assert.equal(serve.child.exitCode, null, 'the service is still running');
        const health = await rawRequest(serve.url, { method: 'GET', target: '/healthz' });
        assert.equal(health.status, 200);
        assert.doesNotMatch(serve.stderr(), /\bbug\b/i, 'no bug reported by the service');
        for (const pan of PANS) assert.ok(!serve.stderr().includes(pan), `card number ${pan} in the access log`);

        await withStore(db, async (store) => {
          // Nothing stored that no answer told about: a rejected request leaves no trace.
          for (const m of merchants) {
            for (const t of await allTransactions(store, m)) {
              if (t.status === 'FAILED' && failedAttempts.has(`${m}/${t.cid}`)) continue;
              assert.ok(seenTx.has(t.id), `transaction ${t.id} (${t.status}, cid ${t.cid}) stored, but no answer carried it`);
              for (const r of await store.listRefunds(t.id))
                assert.ok(seenRefunds.has(r.id), `refund ${r.id} stored, but no 200 carried it`);
            }
          }
          const ledger = await checkLedger(store);
          assert.deepEqual(ledger.violations, []);
          console.log(
            `[reliability] live fuzz: ${requests.length} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ` +
              `slowest ${Math.round(slowest)} ms, ${ledger.counts.transactions} transactions stored, invariants violated: ${ledger.violations.length}`,
          );
        });
      } finally {
        await serve.stop();
        await merchantServer.close();
        cleanup();
      }
    },
  );
});
