import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempHome } from '../helpers/cli.js';
import { READY, startServe } from '../helpers/serve.js';

/** A port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether this process can listen on the port (nothing holds it). */
async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (free) await new Promise((resolve) => server.close(resolve));
  return free;
}

const TOKEN = { ESIPAY_ADMIN_TOKEN: 'a-long-enough-token-for-tests' };

describe('esipay serve with a bad ESIPAY_* variable', () => {
  let home: ReturnType<typeof tempHome>;
  before(() => (home = tempHome()));
  after(() => home.cleanup());

  for (const name of ['ESIPAY_PG_POOL_MAX', 'ESIPAY_OUTBOX_RETRY_BASE_MS', 'ESIPAY_PG_CONNECT_TIMEOUT_MS']) {
    it(`${name}=abc: exits 2 with one line naming it, before it opens the database or binds its port`, async () => {
      const file = join(home.home, `${name}.db`);
      // An unreachable PostgreSQL too: had serve tried to open it, it would exit 5 blaming --db.
      for (const db of [file, 'postgres://postgres@127.0.0.1:1/esipay']) {
        const port = await freePort();
        const r = await runCli(['serve', '--port', String(port), '--host', '127.0.0.1', '--db', db], {
          home: home.home,
          env: { ...TOKEN, [name]: 'abc' },
        });
        assert.equal(r.code, 2, `${db}: ${r.stderr}`);
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0]!, new RegExp(`^error: ${name} must be a whole number from 1 to \\d+ \\(got "abc"\\)`));
        assert.doesNotMatch(r.stderr, READY);
        assert.doesNotMatch(r.stderr, /bug|database/i);
        assert.equal(existsSync(file), false, 'no database was created');
        assert.ok(await portIsFree(port), 'the port is free');
      }
    });
  }

  it('names every bad variable on the same line', async () => {
    const r = await runCli(['serve', '--port', '0', '--db', join(home.home, 'all.db')], {
      home: home.home,
      env: { ...TOKEN, ESIPAY_PG_POOL_MAX: 'abc', ESIPAY_SQLITE_SYNC: 'full' },
    });
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    assert.match(r.stderr, /ESIPAY_PG_POOL_MAX must be .*; ESIPAY_SQLITE_SYNC must be NORMAL or FULL \(got "full"\)/);
  });

  it('starts with valid values of the same variables', async () => {
    const serve = await startServe({
      db: join(home.home, 'valid.db'),
      env: { ESIPAY_PG_POOL_MAX: '5', ESIPAY_OUTBOX_RETRY_BASE_MS: '200', ESIPAY_PG_CONNECT_TIMEOUT_MS: '5000' },
    });
    try {
      assert.equal((await fetch(`${serve.url}/healthz`)).status, 200);
    } finally {
      assert.equal((await serve.stop()).code, 0);
    }
  });
});

describe('a CLI command with a bad ESIPAY_* variable', () => {
  it('exits 2 naming the variable, not 5 blaming --db', async () => {
    const home = tempHome();
    try {
      const r = await runCli(['tx', 'list', '--merchant', 'm', '--db', 'postgres://postgres@127.0.0.1:1/esipay'], {
        home: home.home,
        env: { ESIPAY_PG_POOL_MAX: 'abc' },
      });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^error: ESIPAY_PG_POOL_MAX must be a whole number from 1 to 1000 \(got "abc"\)/);
      const engine = await runCli(['tx', 'list', '--merchant', 'm'], { home: home.home, env: { ESIPAY_ENGINE: 'sqlite' } });
      assert.equal(engine.code, 2);
      assert.match(engine.stderr, /^error: ESIPAY_ENGINE must be local or remote \(got "sqlite"\)/);
    } finally {
      home.cleanup();
    }
  });
});
