import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, tempHome } from '../helpers/cli.js';
import { freshPostgresDatabase, type FreshDatabase } from '../helpers/postgres.js';

// `esipay db status` and `esipay db migrate`, as an operator runs them, on both stores.

let home: { home: string; cleanup: () => void };
before(() => {
  home = tempHome();
});
after(() => home.cleanup());

describe('esipay db on a SQLite file', () => {
  test('status of a missing file refuses and does not create it; migrate applies once', async () => {
    const file = join(home.home, 'shop', 'esipay.db');
    const status = await runCli(['--db', file, 'db', 'status', '--json'], { home: home.home });
    assert.equal(status.code, 2, status.stderr);
    assert.equal(status.json().error.code, 'no_database');
    assert.match(status.json().error.hint, /esipay db migrate/);
    assert.equal(existsSync(file), false, 'status must not create the database');

    const migrate = await runCli(['db', 'migrate', '--json'], { home: home.home, env: { ESIPAY_DB: file } });
    assert.equal(migrate.code, 0, migrate.stderr);
    const done = migrate.json();
    assert.equal(done.current, done.latest);
    assert.equal(done.previous, 0);
    assert.equal(done.applied[0].version, 1);
    assert.equal(done.applied[0].name, 'initial schema');
    // Versions are numbered ahead by feature, so the list may have gaps: increasing, up to the latest.
    const versions = done.applied.map((a: { version: number }) => a.version);
    assert.deepEqual(
      versions,
      [...versions].sort((a: number, b: number) => a - b),
    );
    assert.equal(versions.at(-1), done.latest);
    assert.deepEqual(done.pending, []);

    const again = await runCli(['--db', file, 'db', 'migrate'], { home: home.home });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already up to date/);
    assert.match(again.stdout, new RegExp(`version ${done.latest} of ${done.latest}, up to date`));

    const human = await runCli(['--db', file, 'db', 'status'], { home: home.home });
    assert.match(human.stdout, new RegExp(`database: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(sqlite\\)`));
    assert.match(human.stdout, /^\s+1 {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}initial schema$/m);
    assert.match(human.stdout, /pending: none/);
  });
});

describe('esipay db on PostgreSQL', () => {
  let db: FreshDatabase;
  before(async () => {
    db = await freshPostgresDatabase('dbcmd');
  });
  after(async () => {
    await db?.drop();
  });

  test('three `db migrate` started at once all succeed and leave each migration applied once', async () => {
    const before = (await runCli(['--db', db.url, 'db', 'status', '--json'], { home: home.home })).json();
    assert.equal(before.kind, 'postgres');
    assert.equal(before.current, 0);
    assert.ok(before.pending.length >= 1);

    const runs = await Promise.all(
      [1, 2, 3].map(() => runCli(['db', 'migrate', '--json'], { home: home.home, env: { ESIPAY_DB: db.url } })),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const expected = before.pending.map((p: { version: number }) => p.version);
    for (const r of runs) {
      const doc = r.json();
      assert.equal(doc.current, doc.latest);
      assert.deepEqual(
        doc.applied.map((a: { version: number }) => a.version),
        expected,
      );
    }

    const status = await runCli(['--db', db.url, 'db', 'status', '--json'], { home: home.home });
    const after = status.json();
    assert.equal(after.upToDate, true);
    assert.equal(after.current, after.latest);
    assert.deepEqual(
      after.applied.map((a: { version: number }) => a.version),
      expected,
    );
    assert.deepEqual(after.applied, runs[0]!.json().applied, 'every run reports the same application dates');
    for (const a of after.applied) assert.match(a.appliedAt, /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
  });

  test('an unreachable PostgreSQL exits 5 with one line that hides the password', async () => {
    const url = 'postgres://esipay:hunter2-secret@127.0.0.1:1/esipay';
    for (const sub of ['status', 'migrate']) {
      const r = await runCli(['--db', url, 'db', sub], { home: home.home });
      assert.equal(r.code, 5, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(
        r.stderr,
        /^error: cannot open the database postgres:\/\/esipay:\*\*\*@127\.0\.0\.1:1\/esipay: PostgreSQL is unavailable/,
      );
      assert.doesNotMatch(r.stderr, /hunter2/);
    }
    const json = await runCli(['--db', url, 'db', 'status', '--json'], { home: home.home });
    assert.equal(json.code, 5);
    assert.equal(json.json().error.code, 'store_unavailable');
    assert.doesNotMatch(json.stdout + json.stderr, /hunter2/);
  });

  test('a command of the local engine on an unreachable PostgreSQL hides the password too', async () => {
    const r = await runCli(['--db', 'postgres://esipay:hunter2-secret@127.0.0.1:1/esipay', 'merchant', 'list'], { home: home.home });
    assert.equal(r.code, 5, r.stderr);
    assert.doesNotMatch(r.stderr, /hunter2/);
    assert.match(r.stderr, /postgres:\/\/esipay:\*\*\*@127\.0\.0\.1:1/);
  });
});
