import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A merchant's return URL on loopback whose answer each test decides per callback: a status
 * after a delay, a hang (never answers), or an endless stream of bytes. Records every callback.
 */
export type Answer = { status: number; delayMs?: number } | 'hang' | 'stream';

export interface Callback {
  path: string;
  fields: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface MerchantServer {
  url: string;
  callbacks: Callback[];
  /** Bytes written by 'stream' answers so far. */
  streamed: number;
  close(): Promise<void>;
}

export async function startMerchantServer(decide: (cb: Callback) => Answer): Promise<MerchantServer> {
  const open = new Set<ServerResponse>();
  const ms: MerchantServer = {
    url: '',
    callbacks: [],
    streamed: 0,
    close: async () => {
      for (const res of open) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  const chunk = Buffer.alloc(1 << 20, 'x');
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d.length + body.length < 1 << 20 ? d : ''));
    req.on('end', () => {
      const type = String(req.headers['content-type'] ?? '');
      const fields = type.includes('urlencoded') ? Object.fromEntries(new URLSearchParams(body)) : {};
      const cb: Callback = { path: req.url ?? '', fields, headers: req.headers, body };
      ms.callbacks.push(cb);
      const a = decide(cb);
      open.add(res);
      res.on('close', () => open.delete(res));
      if (a === 'hang') return;
      if (a === 'stream') {
        // Gigabytes, as fast as the reader takes them, until it hangs up.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const pump = () => {
          while (!res.destroyed && ms.streamed < 8 * 1024 ** 3) {
            ms.streamed += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      const reply = () => {
        if (res.destroyed) return;
        res.writeHead(a.status, { 'content-type': 'text/plain' });
        res.end('ok');
      };
      if (a.delayMs) setTimeout(reply, a.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ms.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/paid`;
  return ms;
}
