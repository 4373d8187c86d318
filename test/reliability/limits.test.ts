import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startServe } from '../helpers/serve.js';
import { registerMerchant, tempDir } from './live.js';
import { startMerchantServer } from './merchant-server.js';
import { rawRequest, rssMiB } from './raw-http.js';

const SLOW_CLIENTS = 200;
const CALLBACK_TIMEOUT_MS = 2000;
/** What the service may grow by while it is abused. */
const RSS_GROWTH_LIMIT_MIB = 100;
/** What a healthy answer takes at most while the abuse goes on. */
const PROBE_LIMIT_MS = 1000;

/** A client that opens a request and sends its headers one byte at a time, never finishing. */
function slowloris(url: string): { socket: Socket; stop: () => void } {
  const u = new URL(url);
  const socket = connect({ host: u.hostname, port: Number(u.port) });
  socket.on('error', () => undefined);
  const header = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(10_000);
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= header.length) return clearInterval(timer);
    socket.write(header[i++]!);
  }, 200);
  return { socket, stop: () => (clearInterval(timer), socket.destroy()) };
}

/** Streams a body far larger than allowed; resolves with the status the service answered and what it let through. */
function hugeUpload(
  url: string,
  path: string,
  headers: Record<string, string>,
  chunked: boolean,
): Promise<{ status: number; written: number }> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port: Number(u.port) });
    const chunk = Buffer.alloc(1 << 20, 'x');
    let written = 0;
    let answer = '';
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0), written });
    };
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (/^HTTP\/1\.1 \d{3}/.test(answer)) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      const extra = Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n${extra}${chunked ? 'transfer-encoding: chunked\r\n' : `content-length: ${2 * 1024 ** 3}\r\n`}\r\n`,
      );
      const pump = () => {
        while (!done && written < 1024 ** 3) {
          written += chunk.length;
          const piece = chunked ? Buffer.concat([Buffer.from(chunk.length.toString(16) + '\r\n'), chunk, Buffer.from('\r\n')]) : chunk;
          if (!socket.write(piece)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
  });
}

describe('limits: abusive clients and merchants do not take the service down', () => {
  it(
    'slowloris, huge bodies, a hanging and an endless return URL: others are served, memory stays bounded',
    { timeout: 120_000 },
    async () => {
      const { dir, cleanup } = tempDir('esipay-limits-');
      const merchantServer = await startMerchantServer((cb) =>
        cb.fields.cid?.startsWith('hang-') ? 'hang' : cb.fields.cid?.startsWith('stream-') ? 'stream' : { status: 200 },
      );
      const serve = await startServe({ db: join(dir, 'esipay.db'), args: ['--callback-timeout', String(CALLBACK_TIMEOUT_MS), '--quiet'] });
      const slow: ReturnType<typeof slowloris>[] = [];
      try {
        const merchant = (await registerMerchant(serve, merchantServer.url)).uuid;
        const pay = (cid: string) =>
          rawRequest(serve.url, { method: 'GET', target: `/cardpay/${merchant}/${cid}/4111111111111111/12/2040/10.00`, timeoutMs: 15_000 });
        for (let i = 0; i < 20; i++) assert.equal((await pay(`warm-${i}`)).status, 200);
        const pid = serve.child.pid!;
        const baseline = rssMiB(pid);
        let peak = baseline;
        const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);

        for (let i = 0; i < SLOW_CLIENTS; i++) slow.push(slowloris(serve.url));
        const abuse = Promise.all([
          hugeUpload(serve.url, '/admin/merchants', { authorization: `Bearer ${serve.token}` }, false),
          hugeUpload(serve.url, '/admin/merchants', { authorization: `Bearer ${serve.token}` }, true),
          hugeUpload(serve.url, `/cardpay/${merchant}/x/4111111111111111/12/2040/10.00`, {}, true),
          ...Array.from({ length: 5 }, (_, i) => pay(`hang-${i}`)),
          ...Array.from({ length: 3 }, (_, i) => pay(`stream-${i}`)),
        ]);
        let abuseDone = false;
        void abuse.finally(() => (abuseDone = true));

        // Meanwhile an honest merchant pays and an operator checks health, and both are served at once.
        const probes: { what: string; status: number; ms: number }[] = [];
        for (let i = 0; i < 200 && (!abuseDone || probes.length < 10); i++) {
          const [p, h] = await Promise.all([
            pay(`probe-${i}`),
            rawRequest(serve.url, { method: 'GET', target: '/healthz', timeoutMs: 5_000 }),
          ]);
          probes.push({ what: `pay ${i}`, status: p.status, ms: p.ms }, { what: `healthz ${i}`, status: h.status, ms: h.ms });
        }
        const results = await abuse;
        clearInterval(sampler);

        const [bigLength, bigChunked, bigV2, ...payments] = results as [
          { status: number; written: number },
          { status: number; written: number },
          { status: number; written: number },
          ...Awaited<ReturnType<typeof pay>>[],
        ];
        // Refused with 413; a client still pushing when the service hangs up may see the reset before the 413.
        for (const big of [bigLength, bigChunked]) assert.ok(big.status === 413 || big.status === 0, `huge body answered ${big.status}`);
        // The v2 routes read no body: the request is answered, the upload cut short with the connection.
        assert.ok(bigV2.status > 0 && bigV2.written < 1024 ** 3, `v2 with a huge body: ${bigV2.status} after ${bigV2.written} bytes`);
        for (const big of [bigLength, bigChunked]) assert.ok(big.written < 256 * 1024 ** 2, `the service let ${big.written} bytes through`);
        const hung = payments.slice(0, 5);
        const streamed = payments.slice(5);
        for (const h of hung) {
          assert.equal(h.status, 500);
          assert.equal(JSON.parse(h.body).error.code, 'callback_failed');
          assert.ok(h.ms < CALLBACK_TIMEOUT_MS + 2000, `a hanging return URL held the payment ${Math.round(h.ms)} ms`);
        }
        for (const s of streamed) assert.equal(s.status, 200, s.body);
        assert.ok(merchantServer.streamed < 1024 ** 3, `the service read ${merchantServer.streamed} bytes of an endless answer`);

        const bad = probes.filter((p) => p.status !== 200 || p.ms > PROBE_LIMIT_MS);
        assert.deepEqual(bad, [], 'honest requests kept being served');
        assert.ok(peak - baseline < RSS_GROWTH_LIMIT_MIB, `RSS grew from ${baseline.toFixed(0)} to ${peak.toFixed(0)} MiB`);
        assert.equal(slow.filter((s) => !s.socket.destroyed).length, SLOW_CLIENTS, 'the slow clients were still connected during the test');
        // …and the service cuts them off itself once their headers are overdue (10 s, checked every 30 s by node).
        const cutOff = performance.now();
        await Promise.race([
          Promise.all(slow.map((s) => (s.socket.destroyed ? undefined : new Promise((resolve) => s.socket.once('close', resolve))))),
          new Promise((_, reject) => setTimeout(() => reject(new Error('slow clients still connected after 60 s')), 60_000).unref()),
        ]);
        const cutAfter = (performance.now() - cutOff) / 1000;
        console.log(
          `[reliability] limits: ${SLOW_CLIENTS} slowloris clients (all cut off by the service within ${cutAfter.toFixed(0)} s more), 3 uploads of up to 1 GiB refused (answers ${bigLength.status}/${bigChunked.status}/${bigV2.status} after ${[bigLength, bigChunked, bigV2].map((b) => (b.written / 1024 ** 2).toFixed(0)).join('/')} MiB sent), ` +
            `5 hanging and 3 endless return URLs (${(merchantServer.streamed / 1024 ** 2).toFixed(0)} MiB written by the merchant, the rest refused), ` +
            `${probes.length} honest requests all 200, slowest ${Math.round(Math.max(...probes.map((p) => p.ms)))} ms; RSS ${baseline.toFixed(0)} → peak ${peak.toFixed(0)} MiB`,
        );
      } finally {
        for (const s of slow) s.stop();
        await serve.stop();
        await merchantServer.close();
        cleanup();
      }
    },
  );
});
