import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ForwardOutcome, forwardRequest } from './forward.js';
import { type InboundKind, readInbound } from './inbound.js';

/**
 * A merchant's endpoint in a box (`esipay listen`): receives what esipay sends (a v2 return-URL
 * POST, a V4 IPN, a payment-link callback, see inbound.ts), checks its signature when it knows
 * the secret, and answers. The rule, whatever the kind:
 * - a signature that does not verify (with secrets given) is answered 400, and not forwarded;
 * - otherwise, with `forwardTo`, the request is relayed to the application there and answered
 *   with the application's status and body (502 when it cannot be reached);
 * - otherwise it is answered `status`.
 */
export interface ReceivedCallback {
  receivedAt: string;
  kind: InboundKind;
  /** The transaction the message is about, when it names one. */
  transaction: string | null;
  /** ipn: the order's status; link_callback: the event; else null. */
  event: string | null;
  method: string;
  path: string;
  fields: Record<string, string>;
  body: string;
  signature: 'valid' | 'invalid' | 'unchecked';
  signatureError?: string;
  /** With forwardTo: what the application answered (or why it could not). */
  forward?: { url: string; status: number | null; error: string | null };
  answeredStatus: number;
}

export interface ListenerOptions {
  host?: string;
  port?: number;
  status?: number;
  secrets?: string[];
  toleranceS?: number;
  /** The merchant application's URL: every request with a good (or unchecked) signature is relayed there. */
  forwardTo?: string;
  /** How long the application may take to answer a relayed request. */
  forwardTimeoutMs?: number;
  onCallback?: (cb: ReceivedCallback) => void;
}

export interface Listener {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;
export const DEFAULT_FORWARD_TIMEOUT_MS = 30_000;

export async function startListener(opts: ListenerOptions): Promise<Listener> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        const body = raw.toString('utf8');
        const message = readInbound({ headers: req.headers, body }, opts.secrets ?? [], {
          nowS: Math.floor(Date.now() / 1000),
          toleranceS: opts.toleranceS ?? 300,
        });
        let answer: { status: number; body: string; contentType: string };
        let forward: ForwardOutcome | undefined;
        if (message.signature === 'invalid') {
          // A forged or stale message is refused whatever status was asked for, and the application never sees it.
          answer = { status: 400, body: `signature invalid: ${message.signatureError ?? 'unknown reason'}\n`, contentType: 'text/plain' };
        } else if (opts.forwardTo) {
          forward = await forwardRequest(
            opts.forwardTo,
            { method: req.method ?? 'POST', headers: req.headers, body: raw },
            opts.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS,
          );
          answer =
            forward.status === null
              ? { status: 502, body: `the application at ${forward.url} did not answer: ${forward.error}\n`, contentType: 'text/plain' }
              : { status: forward.status, body: forward.body, contentType: forward.contentType ?? 'text/plain' };
        } else {
          const status = opts.status ?? 200;
          answer = { status, body: status === 200 ? 'ok\n' : `status ${status}\n`, contentType: 'text/plain' };
        }
        res.writeHead(answer.status, { 'content-type': answer.contentType });
        res.end(answer.body);
        opts.onCallback?.({
          receivedAt: new Date().toISOString(),
          kind: message.kind,
          transaction: message.transaction,
          event: message.event,
          method: req.method ?? '',
          path: req.url ?? '',
          fields: message.fields,
          body,
          signature: message.signature,
          ...(message.signatureError ? { signatureError: message.signatureError } : {}),
          ...(forward ? { forward: { url: forward.url, status: forward.status, error: forward.error } } : {}),
          answeredStatus: answer.status,
        });
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
