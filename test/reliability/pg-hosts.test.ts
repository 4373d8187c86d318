import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type pg from 'pg';
import { EsipayError } from '../../src/domain/errors.js';
import { printableLocation } from '../../src/store/location.js';
import { FailoverPool, type HostState } from '../../src/store/postgres/failover-pool.js';
import { parseHostList } from '../../src/store/postgres/hosts.js';
import { isUnavailable } from '../../src/store/postgres/pool.js';

/**
 * The multi-host PostgreSQL URL as libpq writes it, read by esipay (node-postgres reads one
 * host), printed without its password; and the pool that writes to the writable host and
 * follows it, driven here by hosts the test says are writable, read-only or gone.
 */

describe('multi-host PostgreSQL URLs', () => {
  test('the hosts in order, each with its port (5432 when none), and one-host URLs that keep everything else', () => {
    const list = parseHostList('postgres://esipay:s3cret@db1:5433,[::1],db3/pay?target_session_attrs=read-write&sslmode=require');
    assert.ok(list);
    assert.equal(list.target, 'read-write');
    assert.deepEqual(list.hosts, [
      { host: 'db1', port: 5433 },
      { host: '::1', port: 5432 },
      { host: 'db3', port: 5432 },
    ]);
    assert.deepEqual(list.hosts.map(list.urlFor), [
      'postgres://esipay:s3cret@db1:5433/pay?sslmode=require',
      'postgres://esipay:s3cret@[::1]:5432/pay?sslmode=require',
      'postgres://esipay:s3cret@db3:5432/pay?sslmode=require',
    ]);
    assert.equal(parseHostList('postgresql://h1,h2/db?target_session_attrs=primary')?.target, 'primary');
    // Several hosts and nothing asked: the writable one all the same (a payment store on a standby is down).
    assert.equal(parseHostList('postgres://h1:1,h2:2/db')?.target, 'read-write');
  });

  test('one host asking nothing is left to node-postgres as it always was; one host asked to be writable is checked', () => {
    assert.equal(parseHostList('postgres://u:p@db:5432/esipay'), undefined);
    assert.equal(parseHostList('postgres://u@db/esipay?target_session_attrs=any'), undefined);
    assert.equal(parseHostList('postgres:///esipay?host=/var/run/postgresql'), undefined);
    assert.deepEqual(parseHostList('postgres://db:6432/esipay?target_session_attrs=read-write')?.hosts, [{ host: 'db', port: 6432 }]);
  });

  test('a target esipay cannot write to, or a host list that is not one, is refused in a clear error without the password', () => {
    for (const [url, pattern] of [
      ['postgres://u:s3cret@h1,h2/db?target_session_attrs=standby', /target_session_attrs=standby is not supported/],
      ['postgres://u:s3cret@h1,h2/db?target_session_attrs=read-only', /read-only is not supported/],
      ['postgres://u:s3cret@h1:99999,h2/db', /"h1:99999" is not a host\[:port\]/],
      ['postgres://u:s3cret@h1,,h2/db', /"" is not a host\[:port\]/],
      ['postgres://u:s3cret@h1:x,h2/db', /"h1:x" is not a host\[:port\]/],
    ] as const) {
      assert.throws(
        () => parseHostList(url),
        (e: unknown) => {
          assert.ok(e instanceof EsipayError, String(e));
          assert.equal(e.kind, 'invalid');
          assert.equal(e.code, 'bad_db_url');
          assert.match(e.message, pattern);
          assert.doesNotMatch(`${e.message} ${e.hint}`, /s3cret/);
          return true;
        },
      );
    }
  });

  test('printed with the password hidden, whatever the host list', () => {
    assert.equal(
      printableLocation('postgres://esipay:s3cret@h1:5432,h2:5433/esipay?target_session_attrs=read-write'),
      'postgres://esipay:***@h1:5432,h2:5433/esipay?target_session_attrs=read-write',
    );
    assert.equal(printableLocation('postgres://esipay:s3cret@[::1]:5432,h2/esipay'), 'postgres://esipay:***@[::1]:5432,h2/esipay');
    assert.equal(printableLocation('postgres://esipay:s3c@ret@h1:1,h2:2/db'), 'postgres://esipay:***@h1:1,h2:2/db');
    assert.equal(printableLocation('postgres://esipay@h1:1,h2:2/db'), 'postgres://esipay@h1:1,h2:2/db');
    assert.equal(printableLocation('postgres://h1:1,h2:2/db'), 'postgres://h1:1,h2:2/db');
    assert.equal(printableLocation('postgres://esipay:s3cret@h1,h2/db'), 'postgres://esipay:***@h1,h2/db');
    // One host: as before.
    assert.equal(printableLocation('postgres://esipay:s3cret@db:5432/esipay'), 'postgres://esipay:***@db:5432/esipay');
  });
});

/** Hosts whose state the test sets; a pool per host that records the queries it got. */
function fakeHosts(initial: Record<string, HostState | 'down'>) {
  const state = new Map(Object.entries(initial));
  const probes: string[] = [];
  const queries: string[] = [];
  const hostOf = (url: string) => new URL(url).host;
  const probe = async (url: string): Promise<HostState> => {
    const host = hostOf(url);
    probes.push(host);
    const s = state.get(host);
    if (s === 'down' || s === undefined) throw Object.assign(new Error(`connect ECONNREFUSED ${host}`), { code: 'ECONNREFUSED' });
    return s;
  };
  const open = (url: string): pg.Pool => {
    const host = hostOf(url);
    let ending = false;
    const fake = {
      waitingCount: 0,
      get ending() {
        return ending;
      },
      query: async (text: string) => {
        queries.push(`${host} ${text}`);
        return { rows: [] };
      },
      connect: async () => {
        throw new Error('not used here');
      },
      end: async () => void (ending = true),
    };
    return fake as unknown as pg.Pool;
  };
  return { state, probes, queries, probe, open };
}

/** The pool over the URL's hosts as the store makes it, on the fake hosts. */
function poolOver(
  url: string,
  hosts: ReturnType<typeof fakeHosts>,
  more: { report?: (line: string) => void; clock?: () => number } = {},
): FailoverPool {
  return new FailoverPool(parseHostList(url)!, {
    open: hosts.open,
    probe: hosts.probe,
    suspect: isUnavailable,
    describe: (e) => (e as Error).message,
    report: more.report ?? (() => undefined),
    ...(more.clock ? { clock: more.clock } : {}),
  });
}

/** Lets the probe that a failure started finish (promises only: no timer). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('FailoverPool: writes go to the writable host, and follow it', () => {
  test('the writable host whatever its place; gone and no other writable: unavailable at once, asked again after 250 ms; the promoted one then takes the writes', async () => {
    const hosts = fakeHosts({ 'h1:1': 'writable', 'h2:2': 'read-only' });
    const lines: string[] = [];
    let now = 0;
    const pool = poolOver('postgres://esipay:s3cret@h2:2,h1:1/db?target_session_attrs=read-write', hosts, {
      report: (l) => lines.push(l),
      clock: () => now,
    });
    await pool.query('one');
    assert.deepEqual(hosts.queries, ['h1:1 one']);

    // Not a sign of a host gone: not asked again.
    pool.failed(Object.assign(new Error('duplicate key value'), { code: '23505' }));
    await settle();
    assert.equal(hosts.probes.length, 2);

    // The primary dies; the standby is not promoted yet.
    hosts.state.set('h1:1', 'down');
    pool.failed(Object.assign(new Error('Connection terminated unexpectedly'), {}));
    await settle();
    const refusal = await pool.query('two').then(
      () => assert.fail('a write was answered with no writable host'),
      (e: unknown) => e as Error & { code: string },
    );
    assert.equal(refusal.code, '08001');
    assert.ok(isUnavailable(refusal));
    assert.equal(refusal.message, 'no server takes writes (h2:2 is read-only; h1:1: connect ECONNREFUSED h1:1)');
    const asked = hosts.probes.length;
    now += 249;
    await assert.rejects(pool.query('three'), { code: '08001' });
    assert.equal(hosts.probes.length, asked, 'not asked again within 250 ms');

    hosts.state.set('h2:2', 'writable');
    now += 1;
    await pool.query('four');
    assert.deepEqual(hosts.queries, ['h1:1 one', 'h2:2 four']);
    assert.deepEqual(lines, [
      'esipay: PostgreSQL h1:1 no longer takes writes (connect ECONNREFUSED h1:1): looking for the one that does among h2:2, h1:1',
      'esipay: PostgreSQL: no server takes writes (h2:2 is read-only; h1:1: connect ECONNREFUSED h1:1): requests answer unavailable until one does',
      'esipay: PostgreSQL: writing to h2:2',
    ]);
    await pool.end();
    await assert.rejects(pool.query('five'));
  });

  test('a host that turns read-only (a demoted primary) gets no more writes once one failed with 25006', async () => {
    const hosts = fakeHosts({ 'h1:1': 'writable', 'h2:2': 'read-only' });
    const pool = poolOver('postgres://h1:1,h2:2/db', hosts);
    await pool.query('one');
    hosts.state.set('h1:1', 'read-only');
    hosts.state.set('h2:2', 'writable');
    pool.failed(Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' }));
    await settle();
    await pool.query('two');
    assert.deepEqual(hosts.queries, ['h1:1 one', 'h2:2 two']);
    await pool.end();
  });

  test('a failure that is not the current host going away (an old connection of the last one) keeps the host', async () => {
    const hosts = fakeHosts({ 'h1:1': 'writable', 'h2:2': 'read-only' });
    const pool = poolOver('postgres://h1:1,h2:2/db', hosts);
    await pool.query('one');
    pool.failed(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    await settle();
    await pool.query('two');
    assert.deepEqual(hosts.queries, ['h1:1 one', 'h1:1 two']);
    await pool.end();
  });
});
