import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * HTTP/1.1 over a bare socket, so a test can send what no well-behaved client would (raw bytes
 * in the path, any method, a lying Content-Length) and time the answer. One request per
 * connection (Connection: close).
 */
export interface RawAnswer {
  /** The HTTP status, or 0 when the connection ended without a status line. */
  status: number;
  headers: Record<string, string>;
  body: string;
  ms: number;
  /** Why no answer came: a reset, a timeout. */
  error?: string;
}

export interface RawRequest {
  method: string;
  target: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Give up after this long (status 0, error 'timeout'). */
  timeoutMs?: number;
  /** Connect from this loopback address (to be another caller than the merchant's server). */
  localAddress?: string;
}

export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawAnswer> {
  const u = new URL(baseUrl);
  const started = performance.now();
  const body = req.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
  const headers: Record<string, string> = {
    host: u.host,
    connection: 'close',
    ...(body.length > 0 ? { 'content-length': String(body.length) } : {}),
    ...req.headers,
  };
  const head = Buffer.from(
    `${req.method} ${req.target} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`,
    'latin1',
  );
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const sock = connect({ host: u.hostname, port: Number(u.port), ...(req.localAddress ? { localAddress: req.localAddress } : {}) });
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...parse(Buffer.concat(chunks)), ms: performance.now() - started, ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => finish('timeout'), req.timeoutMs ?? 10_000);
    sock.on('connect', () => sock.write(Buffer.concat([head, body])));
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => finish());
    sock.on('close', () => finish());
    sock.on('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  });
}

function parse(raw: Buffer): Omit<RawAnswer, 'ms'> {
  const text = raw.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!m || end === -1) return { status: 0, headers: {}, body: text };
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, end).split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(m[1]), headers, body: text.slice(end + 4) };
}

/** Resident memory of a process, from /proc (Linux), in MiB. */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) / 1024;
}

/** JSON over fetch with a time limit; the status and the parsed body (or the text). */
export async function jsonCall(
  url: string,
  init: { method?: string; token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    signal: AbortSignal.timeout(init.timeoutMs ?? 15_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: res.status, body };
}
