import { runEngineContract } from './run-engine-contract.js';
import { remotePostgres } from './subjects.js';

runEngineContract({ name: 'remote engine → esipay serve, PostgreSQL', subject: remotePostgres });
