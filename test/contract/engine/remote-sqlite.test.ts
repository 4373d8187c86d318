import { runEngineContract } from './run-engine-contract.js';
import { remoteSqlite } from './subjects.js';

runEngineContract({ name: 'remote engine → esipay serve, SQLite', subject: remoteSqlite });
