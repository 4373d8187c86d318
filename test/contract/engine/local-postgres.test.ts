import { runEngineContract } from './run-engine-contract.js';
import { localPostgres } from './subjects.js';

runEngineContract({ name: 'local engine, PostgreSQL', subject: localPostgres });
