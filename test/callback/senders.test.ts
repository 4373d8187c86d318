import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { NodeHttpCallbackSender } from '../../src/callback/node-http-sender.js';
import { type CallbackSender, HttpCallbackSender } from '../../src/callback/sender.js';
import { closedUrl, type Receiver, startReceiver } from '../helpers/receiver.js';

/**
 * Both callback senders (undici for the service, node:http for one-shot CLI commands) report
 * the same outcomes in the same words for what a merchant's server does.
 */
for (const [name, make] of [
  ['HttpCallbackSender (undici)', () => new HttpCallbackSender()],
  ['NodeHttpCallbackSender (node:http)', () => new NodeHttpCallbackSender()],
] as const) {
  describe(name, () => {
    let receiver: Receiver;
    let sender: CallbackSender;
    before(async () => {
      receiver = await startReceiver(200);
      sender = make();
    });
    after(async () => {
      await sender.close?.();
      await receiver.close();
    });

    const post = (url: string, timeoutMs = 2_000) =>
      sender.send({
        url,
        body: 'type=card&amount=10.00',
        contentType: 'application/x-www-form-urlencoded',
        headers: { 'esipay-signature': 't=1,v1=ab' },
        timeoutMs,
      });

    test('a 200 is ok, and the merchant gets the body and headers as sent', async () => {
      receiver.behaviour = 200;
      const before = receiver.received.length;
      assert.deepEqual(await post(`${receiver.url}/paid`), { status: 200, ok: true, error: null });
      const got = receiver.received[before]!;
      assert.equal(got.method, 'POST');
      assert.equal(got.path, '/paid');
      assert.deepEqual(got.fields, { type: 'card', amount: '10.00' });
      assert.equal(got.headers['esipay-signature'], 't=1,v1=ab');
      assert.equal(got.headers['user-agent'], 'esipay-callback/1');
    });

    test('any other status is not ok and says which', async () => {
      receiver.behaviour = 503;
      assert.deepEqual(await post(`${receiver.url}/paid`), { status: 503, ok: false, error: 'the URL answered HTTP 503' });
      receiver.behaviour = 200;
    });

    test('a refused connection and a silent server are reported as such', async () => {
      assert.deepEqual(await post(`${await closedUrl()}/paid`), { status: null, ok: false, error: 'connection refused' });
      receiver.behaviour = 'hang';
      assert.deepEqual(await post(`${receiver.url}/paid`, 200), { status: null, ok: false, error: 'no answer within 200 ms' });
      receiver.behaviour = 200;
    });

    test('an endless answer is cut off at the cap; the status still counts', async () => {
      const endless = createServer((_req, res) => {
        res.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (res.write(chunk));
        };
        res.on('drain', pump);
        pump();
      });
      await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
      try {
        const out = await post(`http://127.0.0.1:${(endless.address() as AddressInfo).port}/paid`, 5_000);
        assert.deepEqual(out, { status: 200, ok: true, error: null });
      } finally {
        endless.closeAllConnections();
        await new Promise<void>((resolve) => endless.close(() => resolve()));
      }
    });
  });
}
