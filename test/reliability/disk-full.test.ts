import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startServe } from '../helpers/serve.js';
import { http, nextYear, registerMerchant } from '../server/http-client.js';

/**
 * The disk under a SQLite `esipay serve` fills up: a small tmpfs of the test's own (mounting it
 * needs root, as CI and this machine have; without it the test fails, it never skips).
 */
function smallDisk(): { dir: string; fill: () => string; release: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0755', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the disk-full test mounts a small tmpfs and needs root: ${(e as Error).message}`);
  }
  return {
    dir,
    /** Fills every free byte with one file; returns its path. */
    fill() {
      const filler = join(dir, 'filler');
      const chunk = Buffer.alloc(64 * 1024, 1);
      let size = 0;
      for (;;) {
        try {
          writeFileSync(filler, chunk, { flag: 'a' });
          size += chunk.length;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
          break;
        }
      }
      // The last bytes, in smaller pieces.
      for (const n of [4096, 512, 1]) {
        for (;;) {
          try {
            writeFileSync(filler, Buffer.alloc(n, 1), { flag: 'a' });
            size += n;
          } catch {
            break;
          }
        }
      }
      assert.ok(size > 0, 'the filler took the free space');
      return filler;
    },
    release() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

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
