import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A merchant's server on loopback for tests: records every request it gets and answers as told
 * (a status, or 'hang' to never answer, or 'close' to drop the connection).
 */
export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  fields: Record<string, string>;
}

export type Behaviour = number | 'hang' | 'close';

export interface Receiver {
  url: string;
  received: Received[];
  behaviour: Behaviour;
  /** Resolves when `count` requests have been received. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(behaviour: Behaviour = 200): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const hanging: ServerResponse[] = [];
  const r: Receiver = {
    url: '',
    received,
    behaviour,
    waitFor: (count) =>
      new Promise((resolve) => {
        if (received.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const type = String(req.headers['content-type'] ?? '');
      const fields = type.includes('urlencoded') ? Object.fromEntries(new URLSearchParams(body)) : {};
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, fields });
      for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
      const b = r.behaviour;
      if (b === 'hang') hanging.push(res);
      else if (b === 'close') res.socket?.destroy();
      else {
        res.writeHead(b, { 'content-type': 'text/plain' });
        res.end('ok');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}

/** A URL on which nothing listens (connection refused). */
export async function closedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
