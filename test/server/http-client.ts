import { request } from 'node:http';

/**
 * Plain HTTP as a merchant's server sends it: the path goes out byte for byte (no URL
 * normalisation, so "..", "%2F" and "//" reach the service as written), one connection each.
 */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T;
}

export function http(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer; localAddress?: string } = {},
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        method,
        path,
        headers: { ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}), ...opts.headers },
        agent: false,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The operator API with a token. */
export function admin(base: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return http(base, method, path, {
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** Registers a merchant through the operator API. */
export async function registerMerchant(
  base: string,
  token: string,
  returnUrl: string,
  ip = '127.0.0.1',
  extra: Record<string, string> = {},
): Promise<{ uuid: string; secret: string }> {
  const a = await admin(base, token, 'POST', '/admin/merchants', { name: 'Boutique', ip, returnUrl, ...extra });
  if (a.status !== 201) throw new Error(`register failed: ${a.status} ${a.text}`);
  return a.json();
}

export const nextYear = String(new Date().getUTCFullYear() + 1);
