import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliResult, runCli, tempHome } from '../helpers/cli.js';

/** `esipay clock` and `esipay db mode` as a user types them, on the local engine over a fresh SQLite file. */
describe('esipay clock and esipay db mode', () => {
  let home: ReturnType<typeof tempHome>;
  let db: string;
  before(() => {
    home = tempHome();
    db = join(home.home, 'shop.db');
  });
  after(() => home?.cleanup());

  const cli = (...args: string[]) => runCli(['--db', db, ...args], { home: home.home });
  const ok = (r: CliResult) => {
    assert.equal(r.code, 0, r.stderr);
    return r;
  };
  const refused = (r: CliResult, code: string) => {
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.json().error.code, code);
    return r;
  };

  it('shows real time on a new database, then moves forward by durations', async () => {
    const shown = ok(await cli('clock', 'show'));
    assert.match(shown.stdout, /^database time: \S+ \(real time\)\nreal time: {5}\S+\nmode: {10}test\n$/);

    const moved = ok(await cli('clock', 'advance', '1d12h'));
    assert.match(moved.stdout, /^clock moved from \S+ to \S+\ndatabase time: \S+ \(\+1d12h from real time\)/);
    const json = ok(await cli('clock', 'advance', '1w', '--json')).json();
    assert.equal(json.offset, '+8d12h');
    assert.equal(json.offsetMs, (8 * 24 + 12) * 3_600_000);
    assert.equal(Date.parse(json.now) - Date.parse(json.wallTime), json.offsetMs);

    const bad = refused(await cli('clock', 'advance', '1 month', '--json'), 'invalid_duration');
    assert.match(
      bad.stderr,
      /^error: "1 month" is not a duration \(use whole numbers with w, d, h, m or s, e\.g\. 30d, 12h, 90m, 1w or 1d12h\)\n$/,
    );
  });

  it('set goes forward; backwards it is refused, or forced with a warning; reset likewise', async () => {
    const now = Date.parse(ok(await cli('clock', 'show', '--json')).json().now);
    const later = new Date(now + 86_400_000).toISOString();
    ok(await cli('clock', 'set', later));
    const back = refused(await cli('clock', 'set', '2020-01-01', '--json'), 'clock_backwards');
    assert.match(
      back.stderr,
      /2020-01-01T00:00:00\.000Z is before the database's time .*: records written since would lie in the future \(pass --force/,
    );
    refused(await cli('clock', 'reset', '--json'), 'clock_backwards');
    refused(await cli('clock', 'set', '2030-01-31T12:00:00', '--json'), 'invalid_time');

    const reset = ok(await cli('clock', 'reset', '--force'));
    // The offset is 9d12h less the wall time between `clock show` and `clock set` (a second or more
    // on a loaded machine), so the step back reads 9d12h or 9d11h59m…s.
    assert.match(
      reset.stderr,
      /^warning: the clock went back (9d12h|9d11h59m\d+s|9d11h59m): records written after .* now lie in the future/,
    );
    assert.match(reset.stdout, /\(real time\)/);
  });

  it('db status shows the mode; db mode live is one-way unless --force, and a live database refuses every move', async () => {
    assert.match(ok(await cli('db', 'status')).stdout, /^database: .*\nmode: {5}test\nschema:/);
    assert.equal(ok(await cli('db', 'mode')).stdout, 'test: its clock can be moved (esipay clock)\n');
    assert.equal(ok(await cli('db', 'mode', 'live')).stdout, 'mode changed from test to live: real time, the clock cannot be moved\n');
    assert.equal(ok(await cli('db', 'status', '--json')).json().mode, 'live');
    assert.deepEqual(ok(await cli('db', 'mode', '--json')).json(), { mode: 'live' });

    for (const move of [
      ['advance', '1d'],
      ['set', '2099-01-01'],
      ['reset', '--force'],
    ]) {
      const r = refused(await cli('clock', ...move, '--json'), 'live_database');
      assert.match(r.stderr, /^error: this database is live: its clock is real time and cannot be moved/);
    }
    assert.match(ok(await cli('clock', 'show')).stdout, /mode: {10}live \(the clock cannot be moved\)/);
    refused(await cli('db', 'mode', 'test', '--json'), 'live_database');
    refused(await cli('db', 'mode', 'staging', '--json'), 'invalid_mode');
    const back = ok(await cli('db', 'mode', 'test', '--force'));
    assert.match(back.stderr, /warning: this database is a test database again/);
    ok(await cli('clock', 'advance', '1h'));
    const moved = refused(await cli('db', 'mode', 'live', '--json'), 'clock_moved');
    assert.match(moved.stderr, /clock reset --force/);
  });

  it('verify judges deadlines at the database time', async () => {
    const r = ok(await cli('verify', '--json'));
    assert.ok(Date.parse(r.json().checkedAt) - Date.now() > 3_000_000, 'an hour ahead, as the clock');
  });
});
