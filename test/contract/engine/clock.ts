import assert from 'node:assert/strict';
import { DAY_MS } from '../../../src/util/clock.js';
import type { ContractContext } from './context.js';
import { fails } from './fails.js';
import { initialInput, linkInput } from './seed-inputs.js';
import type { UseCase } from './run-engine-contract.js';

const HOUR_MS = 60 * 60 * 1000;

/** The database's offset now: each case moves from wherever the cases before it left the clock. */
const offset = async (c: ContractContext) => (await c.engine.clockShow()).offsetMs;

/**
 * The test clock and the database's mode: everything that depends on time follows a move, on the
 * local engine and through a service alike. Runs last: it moves the clock of the whole run's
 * database (forward only, about 213 days, within the test cards' validity), and ends on real time.
 */
export const clock: UseCase = {
  name: 'clock',
  cases(c) {
    c.test('shows the database time on real time: offset 0, mode test', async () => {
      const shown = await c.engine.clockShow();
      assert.equal(shown.offsetMs, 0);
      assert.equal(shown.offset, '0');
      assert.equal(shown.now, shown.wallTime);
      assert.equal(shown.mode, 'test');
      assert.deepEqual(await c.engine.databaseMode(), { mode: 'test' });
    });

    c.test('refuses a duration, a time or a mode that is not one, and moves nothing', async () => {
      for (const d of ['', '30', '1y', '-1d', '0d', '1.5d', '36501d', '30 d'])
        assert.match((await fails(c.engine.clockAdvance(d), 'invalid', 'invalid_duration')).hint ?? '', /30d, 12h, 90m, 1w or 1d12h/);
      for (const t of ['2030-01-31T12:00:00', 'tomorrow', '2030-13-01', '']) await fails(c.engine.clockSet(t), 'invalid', 'invalid_time');
      await fails(c.engine.setDatabaseMode('production' as 'live'), 'invalid', 'invalid_mode');
      assert.equal(await offset(c), 0);
    });

    c.test('advance 181d: an initial authorisation reads EXPIRED and its shipment is refused (PSP_229)', async () => {
      const { m } = await c.merchant();
      const init = await c.engine.createInitial(initialInput(c, m));
      assert.equal(init.status, 'AUTHORISED');
      const before = await offset(c);
      const moved = await c.engine.clockAdvance('181d');
      assert.equal(moved.offsetMs, before + 181 * DAY_MS);
      assert.equal(moved.offset, '+181d');
      assert.ok(Date.parse(moved.previous!) < Date.parse(moved.now));
      assert.equal((await c.engine.getTransaction(init.id, m.uuid)).status, 'EXPIRED');
      const refused = await fails(c.engine.createShipment({ merchant: m.uuid, initial: init.id, amount: '35.00' }), 'conflict', 'PSP_229');
      assert.match(refused.message, /expired/);
    });

    c.test('advance 31d: a shipment of an older initial is outside the 30-day guarantee', async () => {
      const { m } = await c.merchant();
      const init = await c.engine.createInitial(initialInput(c, m));
      const early = await c.engine.createShipment({ merchant: m.uuid, initial: init.id, amount: '35.00' });
      assert.equal(early.withinGuarantee, true);
      await c.engine.clockAdvance('1w3d12h');
      assert.equal((await c.engine.createShipment({ merchant: m.uuid, initial: init.id, amount: '1.00' })).withinGuarantee, true);
      await c.engine.clockAdvance('20d12h');
      const late = await c.engine.createShipment({ merchant: m.uuid, initial: init.id, amount: '25.00' });
      assert.equal(late.status, 'PAID');
      assert.equal(late.withinGuarantee, false);
    });

    c.test('a link expires when the clock passes its link_duration', async () => {
      const { m } = await c.merchant();
      const link = await c.engine.createLink(linkInput(c, m, { extra: { link_duration: 90 } }));
      await c.engine.clockAdvance('89m');
      assert.equal((await c.engine.getLink(link.id, m.uuid)).state, 'open');
      await c.engine.clockAdvance('1m');
      assert.equal((await c.engine.getLink(link.id, m.uuid)).state, 'expired');
    });

    c.test('set: forward to a time; backwards refused (clock_backwards), or forced with a warning; reset likewise', async () => {
      const now = Date.parse((await c.engine.clockShow()).now);
      const target = new Date(now + DAY_MS).toISOString();
      const set = await c.engine.clockSet(target);
      assert.ok(Date.parse(set.now) >= Date.parse(target));
      assert.equal(set.warning, undefined);
      const back = new Date(now - HOUR_MS).toISOString();
      assert.match((await fails(c.engine.clockSet(back), 'conflict', 'clock_backwards')).hint ?? '', /--force/);
      const before = await offset(c);
      await fails(c.engine.clockReset(), 'conflict', 'clock_backwards');
      assert.equal(await offset(c), before, 'a refused move moves nothing');

      const forced = await c.engine.clockSet(back, { force: true });
      assert.ok(Date.parse(forced.now) >= Date.parse(back) && Date.parse(forced.now) < now);
      assert.match(forced.warning ?? '', /went back 1d1h.*lie in the future/);
      const reset = await c.engine.clockReset({ force: true });
      assert.equal(reset.offsetMs, 0);
      assert.equal(reset.now, reset.wallTime);
      assert.match(reset.warning ?? '', /went back/);
    });

    c.test('a live database refuses every move (live_database); live → test only with force', async () => {
      await c.engine.clockAdvance('1h');
      await fails(c.engine.setDatabaseMode('live'), 'conflict', 'clock_moved');
      await c.engine.clockReset({ force: true });
      assert.deepEqual(await c.engine.setDatabaseMode('live'), { mode: 'live', previous: 'test' });
      assert.deepEqual(await c.engine.setDatabaseMode('live'), { mode: 'live' });
      assert.equal((await c.engine.clockShow()).mode, 'live');
      await fails(c.engine.clockAdvance('1d'), 'conflict', 'live_database');
      await fails(c.engine.clockSet('2099-01-01'), 'conflict', 'live_database');
      await fails(c.engine.clockReset(), 'conflict', 'live_database');
      assert.equal(await offset(c), 0);
      await fails(c.engine.setDatabaseMode('test'), 'conflict', 'live_database');
      const back = await c.engine.setDatabaseMode('test', { force: true });
      assert.equal(back.mode, 'test');
      assert.equal(back.previous, 'live');
      assert.match(back.warning ?? '', /can be moved/);
    });
  },
};
