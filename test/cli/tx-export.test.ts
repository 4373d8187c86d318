import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { seedTransactions } from '../../bench/seed-transactions.js';
import { csvRecords } from '../../src/cli/batch/csv.js';
import { CSV_COLUMNS } from '../../src/cli/batch/export-format.js';
import type { TransactionView } from '../../src/domain/types.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { openStore } from '../../src/store/open-store.js';
import { BIN, runCli, tempHome } from '../helpers/cli.js';
import { startServe } from '../helpers/serve.js';
import { runInPty } from './pty.js';
import { secretKeyEnv } from '../helpers/secret-key.js';

const COUNT = 100_000;
const PEAK_RSS = fileURLToPath(new URL('../../../test/fixtures/peak-rss.mjs', import.meta.url));

/**
 * `esipay tx export` of 100,000 transactions through the real binary: every row, exactly, in
 * CSV and NDJSON, in memory that does not grow with the count (the child's peak RSS, measured by
 * the kernel, against an export of a handful of rows).
 */
describe(`esipay tx export of ${COUNT.toLocaleString('en')} transactions`, () => {
  let home: ReturnType<typeof tempHome>;
  let db: string;
  let merchant: string;
  let expected: TransactionView[];
  const env = () => ({ ESIPAY_DB: db, ESIPAY_MERCHANT: merchant });

  /**
   * The binary with its peak RSS reported, under `v8` flags when given. Without them V8 sizes its
   * young generation by the allocation rate (up to 64 MiB semi-spaces on Node 24), whatever the
   * rows: a figure of V8's, not of what the export holds.
   */
  const exportWithPeak = (args: string[], v8: string[] = []) =>
    new Promise<{ code: number | null; stderr: string; peakMiB: number }>((resolve, reject) => {
      const childEnv: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ESIPAY_')) childEnv[k] = v;
      Object.assign(childEnv, { ESIPAY_HOME: home.home, NO_COLOR: '1', CI: '1', ...secretKeyEnv() }, env());
      const child = spawn(process.execPath, [...v8, '--import', PEAK_RSS, BIN, ...args], {
        env: childEnv,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => {
        const peak = /PEAK_RSS_KIB (\d+)/.exec(stderr);
        resolve({ code, stderr: stderr.replace(/\n?PEAK_RSS_KIB \d+\n/, ''), peakMiB: peak ? Number(peak[1]) / 1024 : Number.NaN });
      });
    });

  before(async () => {
    home = tempHome();
    db = join(home.home, 'big.db');
    merchant = (await seedTransactions({ db, count: COUNT })).merchant;
    // What the engine lists, page by page, read in this process: what the export must hold.
    const engine = await LocalEngine.create(await openStore(db));
    expected = [];
    let cursor: string | undefined;
    do {
      const page = await engine.listTransactions({ merchant, limit: 1000, ...(cursor ? { cursor } : {}) });
      expected.push(...page.items);
      cursor = page.next ?? undefined;
    } while (cursor);
    await engine.close();
  });
  after(() => home.cleanup());

  it('exports every row as CSV, read back exactly, in memory that does not grow with the rows', async () => {
    const file = join(home.home, 'all.csv');
    const big = await exportWithPeak(['tx', 'export', '--format', 'csv', '--output', file]);
    assert.equal(big.code, 0, big.stderr);
    assert.equal(big.stderr, '', 'nothing on stderr but errors when it is not a terminal');
    // With the heap held small (an old space of 32 MiB: 100,000 transactions held in memory would
    // not fit), the export of all the rows peaks where the export of a fifth of them does.
    const capped = ['--max-old-space-size=32', '--max-semi-space-size=2'];
    const all = await exportWithPeak(['tx', 'export', '--format', 'csv', '--output', join(home.home, 'capped.csv')], capped);
    assert.equal(all.code, 0, all.stderr);
    const since = expected[COUNT / 5]!.createdAt;
    const fifth = await exportWithPeak(
      ['tx', 'export', '--format', 'csv', '--since', since, '--output', join(home.home, 'fifth.csv')],
      capped,
    );
    assert.equal(fifth.code, 0, fifth.stderr);
    console.log(
      `[export] ${COUNT} rows: peak RSS ${big.peakMiB.toFixed(1)} MiB; with a 32 MiB old space ` +
        `${all.peakMiB.toFixed(1)} MiB, and ${fifth.peakMiB.toFixed(1)} MiB for ${COUNT / 5} rows`,
    );
    assert.ok(
      all.peakMiB - fifth.peakMiB < 16,
      `${COUNT} rows peaked at ${all.peakMiB.toFixed(1)} MiB, ${COUNT / 5} at ${fifth.peakMiB.toFixed(1)} MiB: memory grows with the rows`,
    );
    assert.equal(readFileSync(join(home.home, 'capped.csv'), 'utf8'), readFileSync(file, 'utf8'));

    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(
      readdirSync(home.home).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file left',
    );
    let header: string[] | undefined;
    let n = 0;
    for await (const record of csvRecords(createReadStream(file, { encoding: 'utf8' }))) {
      assert.ok('fields' in record, `line ${record.line} is not CSV`);
      if (!header) {
        header = record.fields;
        assert.deepEqual(header, [...CSV_COLUMNS]);
        continue;
      }
      const row = Object.fromEntries(header.map((h, i) => [h, record.fields[i]!]));
      const t = expected[n++]!;
      assert.deepEqual(
        [row.id, row.created_at, row.merchant, row.kind, row.status, row.cid, row.currency],
        [t.id, t.createdAt, t.merchant, t.kind, t.status, t.cid, t.currency],
      );
      for (const [column, minor] of [
        ['amount', t.amount],
        ['refunded', t.refunded],
        ['remaining', t.remaining],
        ...(t.shipped !== undefined ? [['shipped', t.shipped] as const] : []),
      ] as const) {
        assert.equal(row[`${column}_minor`], String(minor), column);
        // The decimal says the same amount: EUR has two decimals.
        assert.match(row[column]!, /^\d+\.\d\d$/);
        assert.equal(BigInt(row[column]!.replace('.', '')), BigInt(minor), column);
      }
      assert.deepEqual(
        [row.card_brand, row.card_first6, row.card_last4, row.parent, row.expires_at, row.within_guarantee, row.reason],
        [
          t.card?.brand ?? '',
          t.card?.first6 ?? '',
          t.card?.last4 ?? '',
          t.parent ?? '',
          t.expiresAt ?? '',
          t.withinGuarantee === undefined ? '' : String(t.withinGuarantee),
          t.reason ?? '',
        ],
      );
    }
    assert.equal(n, COUNT);
  });

  it('exports NDJSON equal to what tx list gives, and only the rows the filters keep', async () => {
    const file = join(home.home, 'all.ndjson');
    const r = await runCli(['tx', 'export', '--output', file], { home: home.home, env: env() });
    assert.equal(r.code, 0, r.stderr);
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, COUNT);
    assert.deepEqual(
      lines.map((l) => JSON.parse(l) as TransactionView),
      expected,
    );

    const since = expected[COUNT / 2]!.createdAt;
    const filtered = await runCli(
      ['tx', 'export', '--format', 'ndjson', '--status', 'refunded,partially_refunded', '--kind', 'card', '--since', since],
      {
        home: home.home,
        env: env(),
      },
    );
    assert.equal(filtered.code, 0, filtered.stderr);
    const want = expected.filter((t) => ['REFUNDED', 'PARTIALLY_REFUNDED'].includes(t.status) && t.kind === 'card' && t.createdAt >= since);
    assert.ok(want.length > 1000, 'more than one page');
    assert.deepEqual(
      filtered.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
      want.map((t) => t.id),
    );
  });

  it('exports the same through the remote engine, which pages through the operator API', async () => {
    const serve = await startServe({ db, args: ['--quiet'] });
    try {
      const file = join(home.home, 'remote.ndjson');
      const r = await runCli(
        ['--engine', 'remote', '--url', serve.url, '--token', serve.token, 'tx', 'export', '--format', 'ndjson', '--output', file],
        {
          home: home.home,
          env: { ESIPAY_MERCHANT: merchant },
        },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(file, 'utf8'), readFileSync(join(home.home, 'all.ndjson'), 'utf8'));
    } finally {
      await serve.stop();
    }
  });

  it('shows rows, rate and elapsed time on a terminal', async () => {
    const r = await runInPty(['tx', 'export', '--format', 'csv', '--kind', 'initial', '--output', join(home.home, 'tty.csv')], {
      home: home.home,
      env: env(),
    });
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /exported [\d,]+ rows in [\d.]+ s \([\d,]+ rows\/s\) to .*tty\.csv/);
  });

  it('refuses unknown values naming the flag, and an export it could not tell the format of (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'csv', '--kind', 'cards'], /^error: unknown --kind "cards": use card, initial, shipment or link\n$/],
      [['--format', 'csv', '--status', 'PAYED'], /^error: unknown --status "PAYED": use PENDING, PAID, .* or CANCELLED\n$/],
      [['--format', 'csv', '--until', '31/05/2024'], /^error: --until "31\/05\/2024" is not a date: use YYYY-MM-DD or an ISO 8601 time/],
      [['--output', join(home.home, 'x.txt')], /^error: tx export needs --format csv or --format ndjson/],
      [['--format', 'xml'], /argument 'xml' is invalid/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['tx', 'export', ...args], { home: home.home, env: env() });
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
    const json = await runCli(['tx', 'export', '--format', 'csv', '--json'], { home: home.home, env: env() });
    assert.equal(json.code, 2);
    assert.equal(json.json().error.code, 'json_needs_output');
  });

  it('stops without an error when the reader goes away (| head)', async () => {
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ESIPAY_')) childEnv[k] = v;
    Object.assign(childEnv, { ESIPAY_HOME: home.home, NO_COLOR: '1', CI: '1', ...secretKeyEnv() }, env());
    const child = spawn(process.execPath, [BIN, 'tx', 'export', '--format', 'csv'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
  });
});
