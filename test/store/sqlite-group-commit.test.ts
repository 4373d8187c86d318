import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { merchant, refund, ticker, transaction } from './fixtures.js';

// The SQLite store commits the writes of one event-loop turn together (group-commit.ts). What a
// caller must still see: each write atomic and durable when its promise settles, in order, and a
// failing write failing alone.

let dir: string;
let file: string;
let store: Store;
let other: Database.Database;
const at = ticker();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'esipay-group-'));
  file = join(dir, 'esipay.db');
  store = await openStore(file);
  other = new Database(file, { readonly: true }); // another connection: sees only what is committed
});
after(async () => {
  other.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const committedIds = (ids: string[]): string[] =>
  ids.filter((id) => other.prepare('SELECT 1 FROM transactions WHERE id = ?').get(id) !== undefined);

test('a write is committed when its promise resolves: another connection sees it', async () => {
  const m = merchant(at());
  await store.insertMerchant(m);
  const txs = Array.from({ length: 20 }, () => transaction(m, at()));
  const results = await Promise.all(
    txs.map((t) =>
      store.insertTransaction(t).then((r) => {
        assert.deepEqual(committedIds([t.id]), [t.id], 'resolved before it was committed');
        return r;
      }),
    ),
  );
  assert.ok(results.every((r) => r.inserted));
});

test('a write that throws fails alone: the others of its turn are stored', async () => {
  const m = merchant(at());
  await store.insertMerchant(m);
  const first = transaction(m, at());
  const txs = [first, ...Array.from({ length: 5 }, () => transaction(m, at()))];
  // The same id twice in one turn: the second breaks the primary key.
  const clash = { ...transaction(m, at()), id: first.id };
  const outcomes = await Promise.allSettled([...txs.map((t) => store.insertTransaction(t)), store.insertTransaction(clash)]);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    [...txs.map(() => 'fulfilled'), 'rejected'],
  );
  assert.match(String((outcomes.at(-1) as PromiseRejectedResult).reason), /UNIQUE|constraint/i);
  assert.deepEqual(
    committedIds(txs.map((t) => t.id)),
    txs.map((t) => t.id),
  );
  assert.equal((await store.getTransaction(first.id))?.cid, first.cid, 'the first write of the id holds');
});

test('writes of one turn run in order and see each other: refunds beyond the amount are refused', async () => {
  const m = merchant(at());
  await store.insertMerchant(m);
  const tx = transaction(m, at(), { amount: 1_000 });
  await store.insertTransaction(tx);
  // Seven refunds of 3.00 on 10.00 in the same turn: the first three fit, the rest do not.
  const results = await Promise.all(Array.from({ length: 7 }, () => store.addRefund(refund(tx, 300, at()))));
  assert.deepEqual(
    results.map((r) => (r.ok ? 'ok' : r.reason)),
    ['ok', 'ok', 'ok', 'exceeds_remaining', 'exceeds_remaining', 'exceeds_remaining', 'exceeds_remaining'],
  );
  assert.equal((other.prepare('SELECT refunded FROM transactions WHERE id = ?').get(tx.id) as { refunded: number }).refunded, 900);
});

test('a group whose BEGIN cannot take the lock stores nothing, rejects every write, and the next group works', async () => {
  const m = merchant(at());
  await store.insertMerchant(m);
  const locker = new Database(file);
  locker.pragma('busy_timeout = 0');
  // The store waits busy_timeout for the lock; hold it a little longer than a short wait, then free it.
  const short = await openStore(file);
  (short as unknown as { db: Database.Database }).db.pragma('busy_timeout = 50');
  locker.exec('BEGIN IMMEDIATE');
  const txs = Array.from({ length: 3 }, () => transaction(m, at()));
  const outcomes = await Promise.allSettled(txs.map((t) => short.insertTransaction(t)));
  locker.exec('ROLLBACK');
  locker.close();
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['rejected', 'rejected', 'rejected'],
  );
  assert.match(String((outcomes[0] as PromiseRejectedResult).reason), /locked|busy/i);
  assert.deepEqual(committedIds(txs.map((t) => t.id)), []);
  const again = await short.insertTransaction(txs[0]!);
  assert.ok(again.inserted);
  assert.deepEqual(committedIds([txs[0]!.id]), [txs[0]!.id]);
  await short.close();
});

test('close commits the writes already asked for', async () => {
  const mine = await openStore(file);
  const m = merchant(at());
  await mine.insertMerchant(m);
  const tx = transaction(m, at());
  const pending = mine.insertTransaction(tx);
  await mine.close();
  assert.ok((await pending).inserted);
  assert.deepEqual(committedIds([tx.id]), [tx.id]);
});
