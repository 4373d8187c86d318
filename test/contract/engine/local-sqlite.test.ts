import { runEngineContract } from './run-engine-contract.js';
import { localSqlite } from './subjects.js';

runEngineContract({ name: 'local engine, SQLite', subject: localSqlite });
