import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { SQLITE_MIGRATION_VERSIONS } from '../../src/store/sqlite/migration-versions.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { tempSqlite } from '../helpers/sqlite.js';

describe('SQLite: the schema check of every command', () => {
  it('knows the versions of every migration, in order (so a current database loads no migration SQL)', () => {
    assert.deepEqual(
      SQLITE_MIGRATION_VERSIONS,
      SQLITE_MIGRATIONS.map((m) => m.version),
    );
  });

  it('a database one migration behind says which one is pending', async () => {
    const t = tempSqlite();
    try {
      await (await openStore(t.db)).close();
      const latest = SQLITE_MIGRATIONS.at(-1)!;
      const raw = new Database(t.db);
      raw.prepare('DELETE FROM schema_migrations WHERE version = ?').run(latest.version);
      raw.close();
      const behind = await openStore(t.db, { migrate: false });
      const status = await behind.migrationStatus();
      assert.deepEqual(status.pending, [{ version: latest.version, name: latest.name }]);
      assert.equal(status.latest, latest.version);
      await behind.close();
    } finally {
      t.cleanup();
    }
  });
});
