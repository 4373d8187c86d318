import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runScaleScenario } from './scenario.js';

// The same concurrency scenario against one `esipay serve` on SQLite, the default deployment.
test('one esipay serve on SQLite: concurrent refunds and shipments never exceed the amounts', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-scale-'));
  try {
    await runScaleScenario(t, { db: join(dir, 'esipay.db'), instances: 1 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
