import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { builtin } from '../util/builtin.js';
import { describeNetworkError, MAX_ANSWER_BYTES } from './sender.js';

/**
 * Relays one request esipay sent to `esipay listen` on to the merchant's application
 * (`--forward-to URL`): the same method, headers and body, to that URL, so the application sees
 * exactly what esipay sent and its signature still verifies. Node's own http client (listen is a
 * CLI command: no undici). The application's status and answer (up to MAX_ANSWER_BYTES) come
 * back; no answer is an error in the sender's words ("connection refused", "no answer within…").
 */
export interface ForwardOutcome {
  url: string;
  /** The application's HTTP status, or null when it did not answer. */
  status: number | null;
  error: string | null;
  body: string;
  contentType: string | null;
}

/** Connection-level headers are the hop's own; the body's length is set again for the new hop. */
const HOP_HEADERS = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'te', 'trailer']);

export function forwardRequest(
  target: string,
  req: { method: string; headers: IncomingHttpHeaders; body: Buffer },
  timeoutMs: number,
): Promise<ForwardOutcome> {
  const url = new URL(target);
  const { request } = url.protocol === 'https:' ? builtin('node:https') : builtin('node:http');
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_HEADERS.has(k)) headers[k] = v;
  headers['content-length'] = String(req.body.length);
  return new Promise<ForwardOutcome>((resolve) => {
    let settled = false;
    let timedOut = false;
    const finish = (o: Omit<ForwardOutcome, 'url'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ url: target, ...o });
    };
    const out = request(url, { method: req.method, agent: false, headers }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let read = 0;
      const done = () =>
        finish({
          status: res.statusCode ?? null,
          error: null,
          body: Buffer.concat(chunks).toString('utf8'),
          contentType: res.headers['content-type'] ?? null,
        });
      res.on('data', (c: Buffer) => {
        read += c.length;
        if (read <= MAX_ANSWER_BYTES) chunks.push(c);
      });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      out.destroy();
    }, timeoutMs);
    out.on('error', (e) => finish({ status: null, error: describeNetworkError(e, timeoutMs, timedOut), body: '', contentType: null }));
    out.end(req.body);
  });
}
