import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionLoss, isConnectionLoss } from '../../src/store/postgres/connection-loss.js';

// How a lost PostgreSQL connection reaches the operator: one line with the cause per incident,
// never the password, and nothing for failures that are not a connection lost.

const URL = 'postgres://esipay:s3cret@db.example:5432/esipay';
const terminated = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });

test('a lost connection is one line with its cause; the losses of the next 10 s are the same incident', () => {
  const lines: string[] = [];
  let now = 1_000;
  const loss = new ConnectionLoss(
    URL,
    (l) => lines.push(l),
    () => now,
  );
  loss.failed(terminated);
  loss.failed(new Error('Connection terminated unexpectedly'));
  now += 9_999;
  loss.failed(terminated);
  assert.deepEqual(lines, [
    'esipay: lost a connection to PostgreSQL (terminating connection due to administrator command): the request on it fails as unavailable, the next one opens a new connection',
  ]);
  now += 1;
  loss.failed(Object.assign(new Error(`read ECONNRESET on ${URL}`), { code: 'ECONNRESET' }));
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, /\(read ECONNRESET on postgres:\/\/esipay:\*\*\*@db\.example:5432\/esipay\)/);
  assert.doesNotMatch(lines.join('\n'), /s3cret/);
});

test('failures that are not a lost connection are not reported as one', () => {
  const lines: string[] = [];
  const loss = new ConnectionLoss(
    URL,
    (l) => lines.push(l),
    () => 0,
  );
  for (const e of [
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
    new TypeError('a bug'),
    'a string',
    null,
  ]) {
    assert.equal(isConnectionLoss(e), false, String(e));
    loss.failed(e);
  }
  assert.deepEqual(lines, []);
  for (const e of [
    terminated,
    Object.assign(new Error('x'), { code: '57P02' }),
    Object.assign(new Error('x'), { code: 'EPIPE' }),
    new Error('Client has encountered a connection error and is not queryable'),
  ])
    assert.equal(isConnectionLoss(e), true, String(e));
});
