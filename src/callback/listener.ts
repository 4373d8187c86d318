import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifySignature } from './signature.js';

/**
 * A merchant's return-URL endpoint in a box (`esipay listen`, and the tests' receiver): parses
 * the form or JSON body, verifies the signature when it knows the secret, answers `status`.
 */
export interface ReceivedCallback {
  receivedAt: string;
  method: string;
  path: string;
  fields: Record<string, string>;
  body: string;
  signature: 'valid' | 'invalid' | 'unchecked';
  signatureError?: string;
  answeredStatus: number;
}

export interface ListenerOptions {
  host?: string;
  port?: number;
  status?: number;
  secrets?: string[];
  toleranceS?: number;
  onCallback?: (cb: ReceivedCallback) => void;
}

export interface Listener {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startListener(opts: ListenerOptions): Promise<Listener> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 1_000_000) chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const type = String(req.headers['content-type'] ?? '');
      let fields: Record<string, string> = {};
      if (type.includes('application/x-www-form-urlencoded')) fields = Object.fromEntries(new URLSearchParams(body));
      else if (type.includes('json')) {
        try {
          fields = Object.fromEntries(
            Object.entries(JSON.parse(body) as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
          );
        } catch {
          fields = {};
        }
      }
      const secrets = opts.secrets ?? [];
      const header = req.headers[SIGNATURE_HEADER];
      let signature: ReceivedCallback['signature'] = 'unchecked';
      let signatureError: string | undefined;
      if (secrets.length > 0) {
        const v = verifySignature(
          body,
          Array.isArray(header) ? header[0] : header,
          secrets,
          Math.floor(Date.now() / 1000),
          opts.toleranceS ?? 300,
        );
        signature = v.ok ? 'valid' : 'invalid';
        if (!v.ok) signatureError = v.reason;
      }
      // A forged callback is refused (400) whatever status was asked for.
      const status = signature === 'invalid' ? 400 : (opts.status ?? 200);
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok\n' : `status ${status}\n`);
      opts.onCallback?.({
        receivedAt: new Date().toISOString(),
        method: req.method ?? '',
        path: req.url ?? '',
        fields,
        body,
        signature,
        ...(signatureError ? { signatureError } : {}),
        answeredStatus: status,
      });
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
