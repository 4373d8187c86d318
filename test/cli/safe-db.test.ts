import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempHome } from '../helpers/cli.js';
import { runInPty } from './pty.js';

const HINT = /check --db \/ ESIPAY_DB, or create one with `esipay merchant register`/;
const UUID = '00000000-0000-4000-8000-000000000000';
const TX = 'f'.repeat(32);

/** Every command that only reads, with what it needs besides a database. */
const READERS: string[][] = [
  ['tx', 'list', '--merchant', UUID],
  ['tx', 'show', TX],
  ['merchant', 'list'],
  ['merchant', 'show', UUID],
  ['link', 'list', '--merchant', UUID],
  ['link', 'show', TX],
  ['verify'],
  ['db', 'status'],
];

describe('a reading command on a path with no database', () => {
  let home: ReturnType<typeof tempHome>;
  before(() => {
    home = tempHome();
  });
  after(() => home.cleanup());

  it('refuses with exit 2 and a hint, and creates neither the directory nor the database', async () => {
    const typo = join(home.home, 'shpo', 'esipay.db');
    for (const args of READERS) {
      const r = await runCli(['--db', typo, ...args], { home: home.home });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(`^error: no database at ${typo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(check --db`),
        args.join(' '),
      );
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
      if (args[0] !== 'db') assert.match(r.stderr, HINT);
      assert.equal(existsSync(join(home.home, 'shpo')), false, `${args.join(' ')} created the directory`);
    }
  });

  it('says so in the --json error document, from ESIPAY_DB too', async () => {
    const r = await runCli(['tx', 'list', '--merchant', UUID, '--json'], {
      home: home.home,
      env: { ESIPAY_DB: join(home.home, 'none.db') },
    });
    assert.equal(r.code, 2);
    assert.equal(r.json().error.code, 'no_database');
    assert.match(r.json().error.hint, HINT);
  });

  it('the default path of a fresh home is refused the same way, and nothing is created there', async () => {
    const fresh = tempHome();
    try {
      const r = await runCli(['merchant', 'list'], { home: fresh.home });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /no database at .*esipay\.db/);
      assert.deepEqual(readdirSync(fresh.home), []);
    } finally {
      fresh.cleanup();
    }
  });

  it('esipay tui, on a terminal, refuses the same way before taking the screen', async () => {
    const typo = join(home.home, 'tui-typo', 'esipay.db');
    const r = await runInPty(['--db', typo, 'tui', '--merchant', UUID], { home: home.home });
    assert.equal(r.code, 2, r.output);
    assert.match(r.output, /no database at .*tui-typo/);
    assert.equal(existsSync(join(home.home, 'tui-typo')), false);
  });

  it('a writing command still creates the database, and the readers then read it', async () => {
    const db = join(home.home, 'new', 'esipay.db');
    const reg = await runCli(
      ['--db', db, 'merchant', 'register', '--name', 'B', '--ip', '127.0.0.1', '--return-url', 'http://127.0.0.1:9/x', '--json'],
      {
        home: home.home,
      },
    );
    assert.equal(reg.code, 0, reg.stderr);
    assert.ok(existsSync(db));
    const list = await runCli(['--db', db, 'merchant', 'list', '--json'], { home: home.home });
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(
      list.json().items.map((m: { uuid: string }) => m.uuid),
      [reg.json().uuid],
    );
    const status = await runCli(['--db', db, 'db', 'status', '--json'], { home: home.home });
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.json().upToDate, true);
  });
});
