import { test } from 'node:test';
import { freshPostgresDatabase } from '../helpers/postgres.js';
import { runScaleScenario } from './scenario.js';

// Three `esipay serve` processes on one PostgreSQL database: hundreds of concurrent refunds and
// shipments spread over them never move more money than there is (see scenario.ts).
test('three esipay serve instances on one PostgreSQL: concurrent refunds and shipments never exceed the amounts', async (t) => {
  const db = await freshPostgresDatabase('scale');
  try {
    await runScaleScenario(t, { db: db.url, instances: 3 });
  } finally {
    await db.drop();
  }
});
