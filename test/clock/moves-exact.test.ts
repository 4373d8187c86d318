import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resetClock, setClock, setDatabaseMode } from '../../src/engine/local/clock.js';
import { DatabaseClock } from '../../src/engine/local/database-clock.js';
import { openStore } from '../../src/store/open-store.js';
import { tempSqlite } from '../helpers/sqlite.js';

describe('the test clock moves exactly', () => {
  it('a reset is an offset of exactly 0 and a set lands on its time, however slow the wall clock ticks between reads', async () => {
    const t = tempSqlite();
    const store = await openStore(t.db);
    try {
      // A wall clock that moves 7 ms at every reading: a use case that read it twice would drift.
      let ms = Date.parse('2030-01-01T00:00:00.000Z');
      const clock = await DatabaseClock.open(store, () => new Date((ms += 7)));
      const set = await setClock(clock, '2030-02-01T00:00:00.000Z');
      const landed = Date.parse(set.now) - Date.parse('2030-02-01T00:00:00.000Z');
      assert.ok(landed >= 0 && landed <= 7, `it lands on the time asked, read once (${landed} ms later)`);
      await resetClock(clock, { force: true });
      assert.equal(clock.offsetMs(), 0);
      assert.equal(Number((await store.getSetting('clock_offset_ms')) ?? 0), 0);
      // Going live needs real time: after a reset it is.
      assert.deepEqual(await setDatabaseMode(clock, 'live'), { mode: 'live', previous: 'test' });
    } finally {
      await store.close();
      t.cleanup();
    }
  });

  it('a watch refresh that read the settings while this process moved the clock does not undo the move', async () => {
    const t = tempSqlite();
    const store = await openStore(t.db);
    try {
      const clock = await DatabaseClock.open(store, () => new Date('2030-01-01T00:00:00.000Z'));
      // Hold the refresh's read of the offset until the move has been written and applied.
      const getSetting = store.getSetting.bind(store);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      store.getSetting = async (key: string) => {
        const value = await getSetting(key);
        if (key === 'clock_offset_ms') await held;
        return value;
      };
      const refreshing = clock.refresh();
      store.getSetting = getSetting;
      await setClock(clock, '2030-01-11T00:00:00.000Z');
      release();
      await refreshing;
      assert.equal(clock.now().toISOString(), '2030-01-11T00:00:00.000Z', 'the move stays applied');
      await clock.refresh();
      assert.equal(clock.offsetMs(), 10 * 86_400_000, 'and the next refresh reads it back');
    } finally {
      await store.close();
      t.cleanup();
    }
  });
});
