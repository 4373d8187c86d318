// The server tests import tempSqlite from here; it now lives in test/helpers/sqlite.ts.
export { tempSqlite } from '../helpers/sqlite.js';
