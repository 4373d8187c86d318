import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { registerMerchant, runCli, tempHome } from '../helpers/cli.js';
import { freshPostgresDatabase } from '../helpers/postgres.js';
import { startServe } from '../helpers/serve.js';

/**
 * The key sealing merchant secrets, as an operator meets it: a database sealed under one key and
 * opened with another, or with none, is refused at once in one line with exit 5, by a command and
 * by `esipay serve` before it listens, rather than answering 403 to every merchant afterwards.
 */
const KEY = 'c4'.repeat(32);
const OTHER = 'd5'.repeat(32);

describe('the merchant-secret key: a database sealed under another key is refused at start-up', () => {
  const home = tempHome();
  // A home with no key file in it.
  const empty = mkdtempSync(join(tmpdir(), 'esipay-nokey-'));
  const db = join(home.home, 'sealed.db');
  let pgDb: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  before(async () => {
    pgDb = await freshPostgresDatabase('secret_key');
  });
  after(async () => {
    home.cleanup();
    rmSync(empty, { recursive: true, force: true });
    await pgDb.drop();
  });

  test('the CLI: exit 5, one line naming the key ids; the right key lists the merchant', async () => {
    const m = await registerMerchant(home.home, 'http://127.0.0.1:9/paid', ['--db', db], { ESIPAY_SECRET_KEY: KEY });
    const wrong = await runCli(['merchant', 'list', '--db', db], { home: home.home, env: { ESIPAY_SECRET_KEY: OTHER } });
    assert.equal(wrong.code, 5, wrong.stderr);
    assert.equal(wrong.stderr.trim().split('\n').length, 1, wrong.stderr);
    assert.match(wrong.stderr, /sealed under key [0-9a-f]{8}, not under the key of ESIPAY_SECRET_KEY/);
    assert.doesNotMatch(wrong.stderr, /bug|internal|at .*\.js/i);
    assert.ok(!wrong.stderr.includes(KEY) && !wrong.stderr.includes(OTHER), 'no key printed');
    const json = await runCli(['merchant', 'list', '--db', db, '--json'], { home: home.home, env: { ESIPAY_SECRET_KEY: OTHER } });
    assert.equal(json.code, 5);
    assert.equal(JSON.parse(json.stdout).error.code, 'secret_key_mismatch');

    // No ESIPAY_SECRET_KEY, and a home without the key file: missing, not a new key.
    const none = await runCli(['merchant', 'list', '--db', db], { home: empty, env: { ESIPAY_SECRET_KEY: '' } });
    assert.equal(none.code, 5, none.stderr);
    assert.match(none.stderr, /there is no key in ESIPAY_SECRET_KEY \(not set\) or the key file .*secret\.key/);

    const right = await runCli(['merchant', 'list', '--db', db, '--json'], { home: home.home, env: { ESIPAY_SECRET_KEY: KEY } });
    assert.equal(right.code, 0, right.stderr);
    assert.ok(JSON.stringify(right.json()).includes(m.uuid));
  });

  test('a lost key: db reset-secrets --yes gives every merchant a new secret under the new key', async () => {
    const other = join(home.home, 'lost.db');
    const m = await registerMerchant(home.home, 'http://127.0.0.1:9/paid', ['--db', other], { ESIPAY_SECRET_KEY: KEY });
    const asked = await runCli(['db', 'reset-secrets', '--db', other], { home: home.home, env: { ESIPAY_SECRET_KEY: OTHER } });
    assert.equal(asked.code, 2, asked.stderr);
    assert.match(asked.stderr, /--yes/);

    const reset = await runCli(['db', 'reset-secrets', '--yes', '--db', other, '--json'], {
      home: home.home,
      env: { ESIPAY_SECRET_KEY: OTHER },
    });
    assert.equal(reset.code, 0, reset.stderr);
    const [given] = reset.json<{ merchants: { uuid: string; secret: string }[] }>().merchants;
    assert.equal(given?.uuid, m.uuid);
    assert.match(given.secret, /^whsec_/);
    assert.notEqual(given.secret, m.secret);

    // The new key is the database's now; the new secret rotates like any other.
    const listed = await runCli(['merchant', 'list', '--db', other], { home: home.home, env: { ESIPAY_SECRET_KEY: OTHER } });
    assert.equal(listed.code, 0, listed.stderr);
    const rotated = await runCli(['merchant', 'rotate-secret', m.uuid, '--db', other, '--json'], {
      home: home.home,
      env: { ESIPAY_SECRET_KEY: OTHER },
    });
    assert.equal(rotated.code, 0, rotated.stderr);
    const old = await runCli(['merchant', 'list', '--db', other], { home: home.home, env: { ESIPAY_SECRET_KEY: KEY } });
    assert.equal(old.code, 5, old.stderr);
  });

  for (const kind of ['sqlite', 'postgres'] as const) {
    test(`esipay serve on ${kind}: exits 5 before it listens, with one line, under another key`, async () => {
      const location = kind === 'sqlite' ? db : pgDb.url;
      if (kind === 'postgres') await registerMerchant(home.home, 'http://127.0.0.1:9/paid', ['--db', location], { ESIPAY_SECRET_KEY: KEY });
      const refused = await startServe({ db: location, env: { ESIPAY_SECRET_KEY: OTHER } }).then(
        () => assert.fail('serve started under the wrong key'),
        (e: Error) => e.message,
      );
      assert.match(refused, /exited \(5\) before it was ready/);
      assert.match(refused, /sealed under key [0-9a-f]{8}, not under the key of ESIPAY_SECRET_KEY/);
      const serve = await startServe({ db: location, env: { ESIPAY_SECRET_KEY: KEY } });
      await serve.stop();
    });
  }
});
