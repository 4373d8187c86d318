/**
 * The versions of SQLITE_MIGRATIONS (./migrations.ts), in order: every command opens the store and
 * checks its schema is current, and with this list alone it can tell, without loading the
 * migrations' SQL and the modules that build it (a few ms of each command's start-up). A test
 * holds it equal to the migrations themselves.
 */
export const SQLITE_MIGRATION_VERSIONS: readonly number[] = [1, 2, 3, 5, 6, 7, 8, 9, 10, 11];
