import type { IncomingMessage } from 'node:http';
import { builtin } from '../util/builtin.js';
import { type CallbackOutcome, type CallbackRequest, type CallbackSender, describeNetworkError, MAX_ANSWER_BYTES } from './sender.js';

/**
 * The same delivery as HttpCallbackSender, over node's built-in http/https client: for
 * one-shot processes (a CLI command makes one POST and exits). undici's connection pool buys
 * nothing there, and loading undici (≈330 modules) took longer than the rest of `esipay pay`
 * (see docs/performance.md). Same outcomes and messages; no redirects followed; the answer is
 * read up to the same cap and discarded.
 */
export class NodeHttpCallbackSender implements CallbackSender {
  async send(req: CallbackRequest): Promise<CallbackOutcome> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return { status: null, ok: false, error: 'delivery failed (invalid URL)' };
    }
    const { request } = url.protocol === 'https:' ? builtin('node:https') : builtin('node:http');
    return new Promise<CallbackOutcome>((resolve) => {
      let settled = false;
      let timedOut = false;
      const finish = (outcome: CallbackOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const onError = (e: unknown) => finish({ status: null, ok: false, error: describeNetworkError(e, req.timeoutMs, timedOut) });
      const r = request(
        url,
        {
          method: 'POST',
          agent: false,
          headers: {
            'content-type': req.contentType,
            'content-length': Buffer.byteLength(req.body),
            'user-agent': 'esipay-callback/1',
            ...req.headers,
          },
        },
        (res: IncomingMessage) => {
          const status = res.statusCode ?? 0;
          const done = () => {
            const ok = status === 200;
            finish({ status, ok, error: ok ? null : `the URL answered HTTP ${status}` });
          };
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_ANSWER_BYTES) {
              res.destroy();
              done();
            }
          });
          // The status is what counts; a broken answer body does not change it.
          res.on('end', done);
          res.on('error', done);
          res.on('close', done);
        },
      );
      const timer = setTimeout(() => {
        timedOut = true;
        r.destroy(new Error('timeout'));
      }, req.timeoutMs);
      r.on('error', onError);
      r.end(req.body);
    });
  }
}
