import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TransactionView } from '../../src/domain/types.js';
import { registerMerchant, runCli, tempHome } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { startServe } from '../helpers/serve.js';
import { tempSqlite } from '../helpers/sqlite.js';
import { gatedReceiver, ndjson, startCli } from './batch-helpers.js';
import { runInPty } from './pty.js';

const ROWS = 1000;
const VISA = '4111111111111111';
const MASTERCARD = '5555555555554444';
const DECLINED = '4000000000000002';

/** A pay file of `n` rows, cids `${prefix}-1` to `${prefix}-n`, amounts 1.01, 2.02… */
function payFile(dir: string, prefix: string, n: number): string {
  let text = 'amount,card,expiry,cid\r\n';
  for (let i = 1; i <= n; i++) text += `${i}.${String(i % 100).padStart(2, '0')},${i % 2 ? VISA : MASTERCARD},12/2030,${prefix}-${i}\r\n`;
  const path = join(dir, `${prefix}.csv`);
  writeFileSync(path, text);
  return path;
}

interface Outcome {
  row: number;
  line: number;
  ok: boolean;
  already?: boolean;
  cid?: string;
  key?: string;
  transaction?: string;
  status?: string;
  amount?: number;
  remaining?: number;
  card?: { first6: string; last4: string; brand: string };
  error?: { code: string; message: string };
}

describe('esipay batch, through the binary', () => {
  let home: ReturnType<typeof tempHome>;
  let receiver: Receiver;
  let merchant: string;
  const cli = (args: string[], opts: { input?: string; merchant?: string } = {}) =>
    runCli(args, {
      home: home.home,
      env: { ESIPAY_MERCHANT: opts.merchant ?? merchant },
      ...(opts.input !== undefined ? { input: opts.input } : {}),
    });
  const transactionsOf = async (m: string): Promise<TransactionView[]> => {
    const r = await cli(['tx', 'list', '--all', '--limit', '1000', '--json'], { merchant: m });
    assert.equal(r.code, 0, r.stderr);
    return r.json().items;
  };

  /**
   * A batch pay of ROWS rows for a merchant of its own, caught halfway: the first half is paid and
   * row 501 waits on its return URL, with the 7 rows after it: the window of rows in flight is full.
   */
  const payHalfway = async (prefix: string) => {
    const gate = await gatedReceiver(ROWS / 2);
    const m = (await registerMerchant(home.home, `${gate.url}/paid`)).uuid;
    const file = payFile(home.home, prefix, ROWS);
    const run = startCli(['batch', 'pay', file], { home: home.home, env: { ESIPAY_MERCHANT: m } });
    await gate.waitHeld(8);
    return { gate, m, file, run };
  };

  before(async () => {
    home = tempHome();
    receiver = await startReceiver(200);
    merchant = (await registerMerchant(home.home, `${receiver.url}/paid`)).uuid;
  });
  after(async () => {
    await receiver.close();
    home.cleanup();
  });

  it(`pays a ${ROWS}-row file stopped halfway by Ctrl-C: the rows in flight finish, the re-run pays the rest, each payment once`, async () => {
    const { gate, m, file, run } = await payHalfway('int');
    try {
      run.child.kill('SIGINT');
      await run.waitForStderr(/stopping/);
      gate.release();
      const first = await run.exited;
      assert.equal(first.code, 130, run.stderr());
      const done = ndjson<Outcome>(run.stdout());
      assert.deepEqual(
        done.map((o) => [o.row, o.ok, o.already]),
        Array.from({ length: ROWS / 2 + 8 }, (_, i) => [i + 1, true, false]),
      );
      assert.match(run.stderr(), /batch pay: interrupted after row 508, 508 ok, 0 failed, 0 already done .*run the same file again/);

      const again = await runCli(['batch', 'pay', file], { home: home.home, env: { ESIPAY_MERCHANT: m } });
      assert.equal(again.code, 0, again.stderr);
      const outcomes = ndjson<Outcome>(again.stdout);
      assert.deepEqual(
        outcomes.map((o) => o.row),
        Array.from({ length: ROWS }, (_, i) => i + 1),
        'one outcome a row, in the order of the rows',
      );
      assert.ok(outcomes.every((o) => o.ok && o.already === o.row <= 508));
      assert.deepEqual(
        outcomes.slice(0, 508).map((o) => o.transaction),
        done.map((o) => o.transaction),
        'a row done before answers the payment it made',
      );
      assert.match(again.stderr, /^batch pay: 1000 rows, 492 ok, 0 failed, 508 already done \(/m);

      const txs = await transactionsOf(m);
      assert.equal(txs.length, ROWS);
      assert.deepEqual(new Set(txs.map((t) => t.cid)), new Set(outcomes.map((_, i) => `int-${i + 1}`)));
      assert.ok(txs.every((t) => t.status === 'PAID'));
      assert.ok([...gate.callbacks.values()].every((n) => n === 1) && gate.callbacks.size === ROWS, 'one return-URL call a payment');
    } finally {
      await gate.close();
    }
  });

  it(`pays a ${ROWS}-row file killed halfway (SIGKILL): the re-run charges nothing twice, the rows caught in flight are still in progress`, async () => {
    const { gate, m, file, run } = await payHalfway('kill');
    try {
      run.child.kill('SIGKILL');
      await run.exited;
      gate.drop();
      gate.release();

      const again = await runCli(['batch', 'pay', file], { home: home.home, env: { ESIPAY_MERCHANT: m } });
      const outcomes = ndjson<Outcome>(again.stdout);
      assert.equal(outcomes.length, ROWS);
      const inFlight = outcomes.filter((o) => !o.ok);
      assert.deepEqual(
        inFlight.map((o) => [o.row, o.error?.code]),
        Array.from({ length: 8 }, (_, i) => [ROWS / 2 + 1 + i, 'payment_in_progress']),
      );
      assert.ok(outcomes.slice(0, ROWS / 2).every((o) => o.ok && o.already));
      assert.ok(outcomes.slice(ROWS / 2 + 8).every((o) => o.ok && !o.already));
      assert.equal(again.code, 5, 'a payment still in progress: run it again later');
      assert.match(again.stderr, /^batch pay: 1000 rows, 492 ok, 8 failed, 500 already done /m);

      const txs = await transactionsOf(m);
      const perCid = new Map<string, number>();
      for (const t of txs) perCid.set(t.cid, (perCid.get(t.cid) ?? 0) + 1);
      assert.equal(perCid.size, ROWS);
      assert.ok(
        [...perCid.values()].every((n) => n === 1),
        'every payment exists once',
      );
      assert.equal(txs.filter((t) => t.status === 'PAID').length, ROWS - 8);
      assert.equal(txs.filter((t) => t.status === 'PENDING').length, 8);
      assert.ok(
        [...gate.callbacks.values()].every((n) => n === 1),
        'no return URL was called twice',
      );
    } finally {
      await gate.close();
    }
  });

  it('reports each malformed row with its row and line, goes on with the others, and never echoes a card number', async () => {
    const file = join(home.home, 'mixed.csv');
    writeFileSync(
      file,
      [
        'amount,card,expiry,cid,note',
        `10.00,${VISA},12/2030,mixed-1,first`,
        `"5,00",${VISA},12/2030,mixed-2,a comma`,
        `1.00,4111111111111112,12/2030,mixed-3,Luhn`,
        `2.00,${VISA},12/2030`,
        `3.00,${VISA},13/2030,mixed-5,month`,
        `4.00,${VISA},12/2030,,no cid`,
        `7.00,${VISA},12/2030,mixed-7,"a note on`,
        `two lines"`,
        `"6.00,${VISA},12/2030,mixed-8,never closed`,
      ].join('\n'),
    );
    const r = await cli(['batch', 'pay', file]);
    assert.equal(r.code, 2, "every failure was the file's own");
    const outcomes = ndjson<Outcome>(r.stdout);
    assert.deepEqual(
      outcomes.map((o) => [o.row, o.line, o.ok, o.error?.code ?? o.status]),
      [
        [1, 2, true, 'PAID'],
        [2, 3, false, 'invalid_amount'],
        [3, 4, false, 'invalid_card_number'],
        [4, 5, false, 'invalid_row'],
        [5, 6, false, 'invalid_card_month'],
        [6, 7, false, 'missing_field'],
        [7, 8, true, 'PAID'],
        [8, 10, false, 'invalid_row'],
      ],
    );
    assert.match(outcomes[3]!.error!.message, /3 fields where the header has 5/);
    assert.match(r.stderr, /batch pay: 8 rows, 2 ok, 6 failed, 0 already done/);
    for (const pan of [VISA, '4111111111111112']) {
      assert.ok(!r.stdout.includes(pan) && !r.stderr.includes(pan), `${pan} echoed`);
    }
    assert.deepEqual(outcomes[0]!.card, { first6: '411111', last4: '1111', brand: 'visa' });
  });

  it('exits 4 when a card was refused, and reads NDJSON from stdin', async () => {
    const input = [
      JSON.stringify({ amount: '12.50', card: VISA, expiry: '12/2030', cid: 'nd-1' }),
      JSON.stringify({ amount: 3, card: DECLINED, expiry: '12/30', cid: 'nd-2' }),
      `{"amount": "1.00", "card": "${VISA}", "cid": `,
      JSON.stringify({ amount: '1.00', card: 4111111111111111, expiry: '12/2030', cid: 'nd-4' }),
      '',
      JSON.stringify({ amount: '2.00', card: MASTERCARD, expiry: '12/2030', cid: 'nd-5', merchant }),
    ].join('\n');
    const r = await cli(['batch', 'pay', '-'], { input });
    assert.equal(r.code, 4, r.stderr);
    const outcomes = ndjson<Outcome>(r.stdout);
    assert.deepEqual(
      outcomes.map((o) => [o.row, o.line, o.error?.code ?? o.status]),
      [
        [1, 1, 'PAID'],
        [2, 2, 'card_declined'],
        [3, 3, 'invalid_row'],
        [4, 4, 'invalid_row'],
        [5, 6, 'PAID'],
      ],
    );
    assert.equal(outcomes[1]!.status, 'DECLINED', 'the declined payment is recorded, with its id');
    assert.match(String(outcomes[1]!.transaction), /^[0-9a-f]{32}$/);
    assert.ok(!r.stdout.includes(VISA) && !r.stderr.includes(VISA));
  });

  it('stops before any row on a file it cannot read or a header without the columns a row needs (exit 2)', async () => {
    const missing = await cli(['batch', 'pay', join(home.home, 'nope.csv')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: cannot read ".*nope\.csv": no such file/);
    const bad = join(home.home, 'bad-header.csv');
    writeFileSync(bad, `amount,card,cid\n1.00,${VISA},h-1\n`);
    const header = await cli(['batch', 'pay', bad]);
    assert.equal(header.code, 2);
    assert.match(header.stderr, /the header of ".*bad-header\.csv" has no expiry column/);
    assert.equal(header.stdout, '');
    const refunds = join(home.home, 'no-key.csv');
    writeFileSync(refunds, 'transaction,amount\n01a2332c04b2000091214e4649aaae71,1.00\n');
    const noKey = await cli(['batch', 'refund', refunds]);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /has no key column \(a refund file has a header line naming transaction, key \(and amount\)/);
  });

  it('gives one JSON document with --json', async () => {
    const file = payFile(home.home, 'json', 3);
    const r = await cli(['batch', 'pay', file, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = r.json();
    assert.deepEqual([doc.rows, doc.ok, doc.failed, doc.alreadyDone, doc.interrupted], [3, 3, 0, 0, false]);
    assert.deepEqual(
      doc.results.map((o: Outcome) => o.cid),
      ['json-1', 'json-2', 'json-3'],
    );
  });

  it('shows a progress bar with rate and ETA on a terminal, the failed rows, and the summary', async () => {
    const file = join(home.home, 'tty.csv');
    writeFileSync(file, `amount,card,expiry,cid\n1.00,${VISA},12/2030,tty-1\n2.00,${DECLINED},12/2030,tty-2\n3.00,${VISA},12/2030,tty-3\n`);
    const r = await runInPty(['batch', 'pay', file], { home: home.home, env: { ESIPAY_MERCHANT: merchant } });
    assert.equal(r.code, 4, r.output);
    assert.match(r.output, /rows\/s {2}ETA/);
    assert.match(r.output, /row 2 \(line 3\): card_declined: the card was declined/);
    assert.match(r.output, /batch pay: 3 rows, 2 ok, 1 failed, 0 already done/);
    assert.ok(!r.output.includes('{"row"'), 'no NDJSON on a terminal');
  });

  it('refunds a file, each row under its key: a re-run refunds nothing twice', async () => {
    const paid = ndjson<Outcome>((await cli(['batch', 'pay', payFile(home.home, 'rf', 4)])).stdout);
    const [a, b, c, d] = paid.map((o) => o.transaction!) as [string, string, string, string];
    const file = join(home.home, 'refunds.csv');
    writeFileSync(
      file,
      [
        'transaction,amount,key',
        `${a},0.50,rf-a-1`,
        `${a},0.25,rf-a-2`,
        `${b},,rf-b-all`,
        `${c},1.00,`,
        `${d},999.00,rf-d-too-much`,
        `01a2332c04b2000091214e4649aaae71,1.00,rf-unknown`,
        '',
      ].join('\n'),
    );
    const first = await cli(['batch', 'refund', file]);
    const outcomes = ndjson<Outcome>(first.stdout);
    assert.deepEqual(
      outcomes.map((o) => [o.row, o.ok, o.already, o.error?.code ?? o.remaining]),
      [
        [1, true, false, 51],
        [2, true, false, 26],
        [3, true, false, 0],
        [4, false, undefined, 'missing_field'],
        [5, false, undefined, 'amount_exceeds_remaining'],
        [6, false, undefined, 'unknown_transaction'],
      ],
    );
    assert.equal(first.code, 2);

    const again = await cli(['batch', 'refund', file]);
    assert.deepEqual(
      ndjson<Outcome>(again.stdout).map((o) => [o.row, o.ok, o.already]),
      [
        [1, true, true],
        [2, true, true],
        [3, true, true],
        [4, false, undefined],
        [5, false, undefined],
        [6, false, undefined],
      ],
    );
    assert.match(again.stderr, /batch refund: 6 rows, 0 ok, 3 failed, 3 already done/);
    const shown = async (id: string) => (await cli(['tx', 'show', id, '--json'])).json();
    assert.deepEqual(
      (await shown(a)).refunds.map((r: { amount: number }) => r.amount),
      [50, 25],
    );
    assert.equal((await shown(b)).refunds.length, 1);
    assert.equal((await shown(b)).remaining, 0);
    assert.equal((await shown(c)).refunds.length, 0);
  });
  it('runs the same through the remote engine: payments by cid and refunds by key, each once', async () => {
    const { db, cleanup } = tempSqlite();
    const serve = await startServe({ db, args: ['--quiet'] });
    try {
      const remote = (args: string[]) =>
        runCli(['--engine', 'remote', '--url', serve.url, ...args], { home: home.home, env: { ESIPAY_TOKEN: serve.token } });
      const registered = await remote([
        'merchant',
        'register',
        '--name',
        'Far',
        '--ip',
        '127.0.0.1',
        '--return-url',
        `${receiver.url}/paid`,
        '--json',
      ]);
      const m = registered.json().uuid as string;
      const file = payFile(home.home, 'far', 3);
      const first = await remote(['--merchant', m, 'batch', 'pay', file]);
      assert.equal(first.code, 0, first.stderr);
      const again = await remote(['--merchant', m, 'batch', 'pay', file]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /batch pay: 3 rows, 0 ok, 0 failed, 3 already done/);
      const paid = ndjson<Outcome>(first.stdout).map((o) => o.transaction!);
      assert.deepEqual(
        ndjson<Outcome>(again.stdout).map((o) => o.transaction),
        paid,
      );
      const refunds = join(home.home, 'far-refunds.ndjson');
      writeFileSync(refunds, paid.map((transaction, i) => JSON.stringify({ transaction, amount: '0.10', key: `far-${i}` })).join('\n'));
      for (const expected of [/3 rows, 3 ok, 0 failed, 0 already done/, /3 rows, 0 ok, 0 failed, 3 already done/]) {
        const r = await remote(['--merchant', m, 'batch', 'refund', refunds]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, expected);
      }
      const shown = await remote(['--merchant', m, 'tx', 'show', paid[0]!, '--json']);
      assert.equal(shown.json().refunds.length, 1);
    } finally {
      await serve.stop();
      cleanup();
    }
  });
});
