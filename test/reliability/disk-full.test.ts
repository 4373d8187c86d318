import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startServe } from '../helpers/serve.js';
import { waitUntil } from '../helpers/wait-until.js';
import { smallDisk } from './small-disk.js';
import { http, nextYear, registerMerchant } from '../server/http-client.js';

describe('a full disk under a SQLite esipay serve', () => {
  it(
    'answers unavailable with the cause (500 on v2, 503 on the operator API and /healthz), logs it once, and recovers by itself',
    { timeout: 60_000 },
    async () => {
      const disk = smallDisk();
      const receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('ok')));
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const returnUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/paid`;
      const serve = await startServe({ db: join(disk.dir, 'esipay.db') });
      const auth = { authorization: `Bearer ${serve.token}` };
      const pay = (cid: string) => http(serve.url, 'GET', `/cardpay/${m.uuid}/${cid}/4111111111111111/12/${nextYear}/5.00`);
      let m!: { uuid: string };
      try {
        m = await registerMerchant(serve.url, serve.token, returnUrl);
        const before = await pay('before');
        assert.equal(before.status, 200);

        // The checkpointer has folded the WAL in and emptied it (as it does once writes pause):
        // the writes to come must take new space.
        const wal = join(disk.dir, 'esipay.db-wal');
        await waitUntil('the WAL is checkpointed and emptied', 20_000, () => (statSync(wal, { throwIfNoEntry: false })?.size ?? 0) === 0);
        const filler = disk.fill();
        const refused: string[] = [];
        for (let i = 0; i < 5; i++) {
          const a = await pay(`full-${i}`);
          assert.equal(a.status, 500, `a service-side error on the v2 route, as the seed says: ${a.text}`);
          assert.equal(a.json().error.code, 'store_unavailable');
          assert.match(a.json().error.message, /disk is full/);
          refused.push(`full-${i}`);
        }
        const admin = await http(serve.url, 'POST', '/admin/merchants', {
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Other', ip: '127.0.0.1', returnUrl }),
        });
        assert.equal(admin.status, 503);
        assert.equal(admin.json().error.code, 'store_unavailable');
        const health = await http(serve.url, 'GET', '/healthz');
        assert.equal(health.status, 503, 'the balancer is told');
        assert.match(health.json().reason, /full|SQLITE_FULL/i);
        assert.equal((await http(serve.url, 'GET', '/livez')).status, 200, 'the process is up: no restart needed');
        const lines = serve
          .stderr()
          .split('\n')
          .filter((l) => /unavailable: store_unavailable/.test(l));
        assert.equal(lines.length, 1, `one log line for the outage, with its cause:\n${lines.join('\n')}`);
        assert.match(lines[0]!, /disk is full/);
        assert.ok(!/bug/i.test(serve.stderr()), 'not reported as a bug');
        const checkpoints = serve
          .stderr()
          .split('\n')
          .filter((l) => /checkpoint failed/.test(l));
        assert.ok(checkpoints.length <= 1, `the checkpointer's failure said once at most:\n${checkpoints.join('\n')}`);

        unlinkSync(filler);
        assert.equal((await http(serve.url, 'GET', '/healthz')).status, 200, 'space is back: healthy again');
        const after = await pay('after');
        assert.equal(after.status, 200, after.text);
        assert.equal(after.json().status, 'PAID');

        const list = await http(serve.url, 'GET', `/admin/merchants/${m.uuid}/transactions?limit=100`, { headers: auth });
        const cids = (list.json().items as { cid: string; status: string }[]).map((t) => `${t.cid}:${t.status}`).sort();
        assert.deepEqual(cids, ['after:PAID', 'before:PAID'], 'nothing refused was recorded, every acknowledged payment was');
      } finally {
        await serve.stop();
        await new Promise<void>((resolve) => receiver.close(() => resolve()));
        disk.release();
      }
    },
  );
});
