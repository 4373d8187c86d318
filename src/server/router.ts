import { invalid } from '../domain/errors.js';
import type { HttpAnswer, HttpRequest } from './http.js';
import { rawSegments } from './http.js';

/**
 * A small path matcher for REST-shaped route modules: "/admin/merchants/:merchant" matches the raw
 * segments one by one, so an encoded "/" inside a parameter can never change which endpoint
 * answers. Parameters are percent-decoded (malformed encoding is a 400).
 */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  handler: (req: HttpRequest, params: Record<string, string>) => Promise<HttpAnswer>;
}

/** A method and path a route module answers, ":name" for a parameter: the route table the OpenAPI document is checked against. */
export type RouteSpec = Pick<Endpoint, 'method' | 'path'>;

export const routeSpecsOf = (endpoints: readonly Endpoint[]): RouteSpec[] => endpoints.map(({ method, path }) => ({ method, path }));

export type Match = { kind: 'found'; run: () => Promise<HttpAnswer> } | { kind: 'method'; allow: string[] } | { kind: 'none' };

export function matchEndpoint(endpoints: readonly Endpoint[], req: HttpRequest): Match {
  const segments = rawSegments(req.rawPath);
  const allow: string[] = [];
  for (const e of endpoints) {
    const params = matchPath(e.path, segments);
    if (!params) continue;
    if (e.method === req.method || (e.method === 'GET' && req.method === 'HEAD')) {
      return { kind: 'found', run: async () => e.handler(req, decodeParams(params)) };
    }
    allow.push(e.method);
  }
  return allow.length > 0 ? { kind: 'method', allow } : { kind: 'none' };
}

function matchPath(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const s = segments[i]!;
    if (p.startsWith(':')) {
      if (s === '') return undefined;
      params[p.slice(1)] = s;
    } else if (p !== s) return undefined;
  }
  return params;
}

function decodeParams(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      throw invalid('invalid_path', `the ${k} in the path is not valid percent-encoding`);
    }
  }
  return out;
}
