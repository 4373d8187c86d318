import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { EsipayError } from '../../src/domain/errors.js';
import { LocalEngine } from '../../src/engine/local/local-engine.js';
import { createApp } from '../../src/server/app.js';
import { sha256 } from '../../src/server/admin/token.js';
import { periodic } from '../../src/server/workers/periodic.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { tempSqlite } from '../contract/subjects.js';
import { http, nextYear } from './http-client.js';
import { serviceDeps } from '../helpers/service-deps.js';

/** The request handler in-process, where a test can make the engine or the store misbehave. */
describe('service request handler', () => {
  let server: Server;
  let base: string;
  let engine: LocalEngine;
  let store: Store;
  let cleanup: () => void;
  const log: string[] = [];
  const bugs: string[] = [];
  const failures: string[] = [];
  const state = { stopping: false };

  before(async () => {
    const t = tempSqlite();
    cleanup = t.cleanup;
    store = await openStore(t.db);
    engine = await LocalEngine.create(store);
    const handler = createApp(serviceDeps(engine, store), {
      trustProxy: [],
      adminTokenHash: sha256('app-test-token-0123456789'),
      accessLog: (l) => log.push(l),
      reportBug: (b) => bugs.push(b),
      reportFailure: (e) => failures.push(e.message),
      state,
    });
    server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await engine.close();
    cleanup();
  });

  it('answers a bug with a bare 500: no message, no stack, no card number; the operator gets the details', async () => {
    const original = engine.pay;
    engine.pay = async () => {
      throw new TypeError('cannot read x of undefined in /srv/esipay/secret-internals.js for 4111111111111111');
    };
    try {
      const a = await http(base, 'GET', `/cardpay/00000000-0000-4000-8000-000000000000/c/4111111111111111/12/${nextYear}/1.00`);
      assert.equal(a.status, 500);
      assert.deepEqual(a.json(), { error: { code: 'internal', message: 'internal error', kind: 'internal' } });
    } finally {
      engine.pay = original;
    }
    const admin = await http(base, 'GET', '/admin/merchants', { headers: { authorization: 'Bearer app-test-token-0123456789' } });
    assert.equal(admin.status, 200);
  });

  it('writes one access-log line per request, with method, redacted path, status, time and caller', async () => {
    log.length = 0;
    await http(base, 'GET', `/cardpay/u/c/5555555555554444/12/${nextYear}/1.00?x=4111111111111111`);
    await http(base, 'GET', '/healthz');
    assert.equal(log.length, 2);
    assert.match(log[0]!, /^\d{4}-\d\d-\d\dT[\d:.]+Z GET \/cardpay\/u\/c\/555555\*{6}4444\/12\/\d{4}\/1\.00 400 [\d.]+ms 127\.0\.0\.1$/);
    assert.match(log[1]!, / GET \/healthz 200 [\d.]+ms 127\.0\.0\.1$/);
    assert.ok(!log.join('\n').includes('5555555555554444') && !log.join('\n').includes('4111111111111111'));
  });

  it('never answers a bare internal unseen: a bug in a route module is reported; an outage is answered and reported', async () => {
    // A payment reads its merchant with getMerchantVersioned, the admin routes with getMerchant.
    const original = { getMerchant: store.getMerchant, getMerchantVersioned: store.getMerchantVersioned };
    const failWith = (e: Error) => {
      store.getMerchant = store.getMerchantVersioned = async () => {
        throw e;
      };
    };
    try {
      failWith(new RangeError('a bug deep in a store'));
      bugs.length = 0;
      const bug = await http(base, 'GET', `/cardpay/00000000-0000-4000-8000-000000000000/c/4111111111111111/12/${nextYear}/1.00`);
      assert.equal(bug.status, 500);
      assert.equal(bug.json().error.code, 'internal');
      assert.equal(bugs.length, 1, 'the operator is told, once');
      assert.match(bugs[0]!, /RangeError: a bug deep in a store/);

      failWith(new EsipayError('unavailable', 'store_unavailable', 'the database cannot be written: database or disk is full'));
      failures.length = 0;
      const v2 = await http(base, 'GET', `/cardpay/00000000-0000-4000-8000-000000000000/c/4111111111111111/12/${nextYear}/1.00`);
      assert.equal(v2.status, 500, 'a service-side error on the v2 routes, as the seed says');
      assert.equal(v2.json().error.code, 'store_unavailable');
      const admin = await http(base, 'GET', '/admin/merchants/00000000-0000-4000-8000-000000000000', {
        headers: { authorization: 'Bearer app-test-token-0123456789' },
      });
      assert.equal(admin.status, 503);
      assert.equal(admin.json().error.code, 'store_unavailable');
      assert.deepEqual(failures, [
        'the database cannot be written: database or disk is full',
        'the database cannot be written: database or disk is full',
      ]);
    } finally {
      Object.assign(store, original);
    }
  });

  it('reports 503 on /healthz when the store does not take writes, and while stopping', async () => {
    const original = store.setSetting;
    store.setSetting = async () => {
      throw new Error('database or disk is full');
    };
    try {
      const down = await http(base, 'GET', '/healthz');
      assert.equal(down.status, 503);
      assert.equal(down.json().status, 'unavailable');
      assert.match(down.json().reason, /database or disk is full/);
      assert.equal((await http(base, 'GET', '/livez')).status, 200, 'the process itself is fine');
    } finally {
      store.setSetting = original;
    }
    state.stopping = true;
    try {
      const stopping = await http(base, 'GET', '/healthz');
      assert.equal(stopping.status, 503);
      assert.equal(stopping.headers.connection, 'close');
    } finally {
      state.stopping = false;
    }
    assert.equal((await http(base, 'GET', '/healthz')).status, 200);
  });
});

describe('periodic workers', () => {
  it('run at once, then on their interval, one run at a time; stop() waits for the run in progress', async () => {
    let runs = 0;
    let release!: () => void;
    let secondStarted!: () => void;
    const started = new Promise<void>((resolve) => (secondStarted = resolve));
    const worker = periodic(
      1,
      async () => {
        runs++;
        if (runs === 2) {
          secondStarted();
          await new Promise<void>((resolve) => (release = resolve));
        }
      },
      () => undefined,
    );
    await worker.ready;
    assert.equal(runs, 1);
    await started;
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stopped, false, 'stop waits for the run in progress');
    release();
    await stopping;
    assert.equal(runs, 2, 'no run after stop');
  });

  it('report a failing run and keep going', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    let third!: () => void;
    const reached = new Promise<void>((resolve) => (third = resolve));
    const worker = periodic(
      1,
      async () => {
        runs++;
        if (runs === 3) third();
        throw new Error(`run ${runs}`);
      },
      (e) => errors.push(e),
    );
    await reached;
    await worker.stop();
    assert.ok(errors.length >= 2);
  });
});
