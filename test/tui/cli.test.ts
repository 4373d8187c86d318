import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { BIN, runCli, tempHome } from '../helpers/cli.js';

describe('esipay tui without a terminal', () => {
  let home: { home: string; cleanup: () => void };
  before(() => {
    home = tempHome();
  });
  after(() => home.cleanup());

  it('refuses politely on one line, pointing to tx list --json, with exit 2', async () => {
    const r = await runCli(['tui', '--merchant', '00000000-0000-4000-8000-000000000000'], { home: home.home });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /esipay tui needs an interactive terminal \(for scripts and pipes use `esipay tx list --json`\)/);
  });

  it('tui --help lists the keys and loads neither ink nor react', () => {
    const preload = fileURLToPath(new URL('../../../test/fixtures/trace-imports.mjs', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', preload, BIN, 'tui', '--help'], {
      env: { ...process.env, ESIPAY_HOME: home.home, NO_COLOR: '1' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Keys: ↑↓\/j\/k PgUp\/PgDn move, g top, \/ filter, enter detail, r refund, s ship, m merchant, q quit/);
    const imports = JSON.parse(/IMPORTS (.*)/.exec(r.stderr)![1]!) as string[];
    assert.ok(imports.length > 0);
    for (const heavy of ['ink', 'react', 'better-sqlite3', 'undici']) assert.ok(!imports.includes(heavy), `loads ${heavy}`);
  });
});
