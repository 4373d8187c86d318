import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ENV_NAMES, ENV_VARS } from '../../src/config/env.js';
import { runCli, tempHome } from '../helpers/cli.js';

interface Row {
  name: string;
  value: string | null;
  source: string;
  default: string;
  accepts: string;
  secret: boolean;
  help: string;
  commands: string[];
  flag?: string;
  configKey?: string;
  problem?: string;
}

describe('esipay config env', () => {
  let home: ReturnType<typeof tempHome>;
  before(() => (home = tempHome()));
  after(() => home.cleanup());
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(['config', 'env', ...args], { home: home.home, env });

  it('lists every variable with its value, its source and its help; --json gives the same as a document', async () => {
    assert.equal((await runCli(['config', 'set', 'merchant', 'merchant-from-config'], { home: home.home })).code, 0);
    const env = { ESIPAY_PG_POOL_MAX: '20' };
    const json = await cli(['--json'], env);
    assert.equal(json.code, 0, json.stderr);
    const rows: Row[] = json.json().variables;
    assert.deepEqual(
      rows.map((r) => r.name),
      ENV_NAMES,
    );
    const by = new Map(rows.map((r) => [r.name, r]));
    assert.deepEqual(
      { value: by.get('ESIPAY_PG_POOL_MAX')!.value, source: by.get('ESIPAY_PG_POOL_MAX')!.source },
      { value: '20', source: 'environment' },
    );
    assert.deepEqual(
      { value: by.get('ESIPAY_MERCHANT')!.value, source: by.get('ESIPAY_MERCHANT')!.source, key: by.get('ESIPAY_MERCHANT')!.configKey },
      { value: 'merchant-from-config', source: 'config file', key: 'merchant' },
    );
    assert.deepEqual(
      { value: by.get('ESIPAY_SQLITE_SYNC')!.value, source: by.get('ESIPAY_SQLITE_SYNC')!.source },
      { value: 'NORMAL', source: 'default' },
    );
    assert.equal(by.get('ESIPAY_ENGINE')!.value, 'local');
    assert.equal(by.get('ESIPAY_DB')!.value, join(home.home, 'esipay.db'));
    assert.deepEqual({ value: by.get('ESIPAY_URL')!.value, source: by.get('ESIPAY_URL')!.source }, { value: null, source: 'default' });
    assert.equal(by.get('ESIPAY_HOME')!.source, 'environment');
    for (const r of rows) {
      assert.equal(r.help, ENV_VARS[r.name as keyof typeof ENV_VARS].help);
      assert.ok(r.accepts && r.default && r.commands.length > 0, r.name);
    }
    assert.ok(by.get('ESIPAY_OUTBOX_RETRY_BASE_MS')!.commands.includes('serve'));
    assert.equal(by.get('ESIPAY_DB')!.flag, '--db');

    const text = await cli([], env);
    assert.equal(text.code, 0, text.stderr);
    for (const r of rows) {
      assert.match(text.stdout, new RegExp(`^${r.name}[= ]`, 'm'), r.name);
      assert.ok(text.stdout.includes(r.help), r.help);
    }
    assert.match(text.stdout, /^ESIPAY_PG_POOL_MAX=20 {2}\(environment\)$/m);
    assert.match(text.stdout, /^ESIPAY_MERCHANT=merchant-from-config {2}\(config file: merchant\)$/m);
    assert.match(text.stdout, /^ESIPAY_SQLITE_SYNC=NORMAL {2}\(default\)$/m);
    assert.match(text.stdout, /^ESIPAY_URL {2}\(not set\)$/m);
  });

  it('masks secrets: tokens and keys entirely, the password of a URL', async () => {
    const env = {
      ESIPAY_TOKEN: 'token-sekrit-1',
      ESIPAY_ADMIN_TOKEN: 'admin-token-sekrit-2',
      ESIPAY_CARD_KEY: 'cd'.repeat(32),
      ESIPAY_LISTEN_SECRET: 'whsec_sekrit3',
      ESIPAY_DB: 'postgres://esipay:sekrit4@db.example/esipay',
      ESIPAY_SMTP_URL: 'smtp://mailer:sekrit5@mail.example:587',
    };
    for (const args of [['--json'], []]) {
      const r = await cli(args, env);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /sekrit|cdcdcd/);
      assert.match(r.stdout, /postgres:\/\/esipay:\*\*\*@db\.example\/esipay/);
      assert.match(r.stdout, /smtp:\/\/mailer:\*\*\*@mail\.example:587/);
    }
    const by = new Map((await cli(['--json'], env)).json().variables.map((r: Row) => [r.name, r]));
    for (const name of ['ESIPAY_TOKEN', 'ESIPAY_ADMIN_TOKEN', 'ESIPAY_CARD_KEY', 'ESIPAY_LISTEN_SECRET'])
      assert.deepEqual([(by.get(name) as Row).value, (by.get(name) as Row).secret], ['***', true], name);
  });

  it('marks a bad value, names it on stderr and exits 2, still listing the rest', async () => {
    const r = await cli(['--json'], { ESIPAY_PG_CONNECT_TIMEOUT_MS: 'abc' });
    assert.equal(r.code, 2);
    const rows: Row[] = r.json().variables;
    assert.equal(rows.length, ENV_NAMES.length);
    const bad = rows.find((row) => row.name === 'ESIPAY_PG_CONNECT_TIMEOUT_MS')!;
    assert.equal(bad.problem, 'ESIPAY_PG_CONNECT_TIMEOUT_MS must be a whole number from 1 to 600000 (got "abc")');
    assert.equal(r.stderr, `error: ${bad.problem}\n`);
    const text = await cli([], { ESIPAY_PG_CONNECT_TIMEOUT_MS: 'abc' });
    assert.equal(text.code, 2);
    assert.match(text.stdout, /^ESIPAY_PG_CONNECT_TIMEOUT_MS=abc {2}\(environment\) {2}INVALID: /m);
  });
});
