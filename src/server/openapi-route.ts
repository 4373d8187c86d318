import { onlyGet, type Route } from './http.js';
import { OPENAPI_ROUTES } from './meta-routes.js';

/**
 * GET /openapi.json: the OpenAPI 3.1 document of the whole service (docs/openapi.json is the same,
 * for the default server URL). Public, like the V4 platform's own reference: it describes the API,
 * not any merchant, transaction or setting of this installation (only its public URL, as server).
 * The generator (and the zod conversion) loads on the first request, and the text is kept.
 */
export function openApiRoute(publicUrl: string): Route {
  let text: Promise<string> | undefined;
  return async (req) => {
    if (req.rawPath !== OPENAPI_ROUTES[0]!.path) return undefined;
    const refused = onlyGet(req);
    if (refused) return refused;
    text ??= import('./openapi/document.js').then((m) => `${JSON.stringify(m.openApiDocument({ serverUrl: publicUrl }), null, 2)}\n`);
    let body: string;
    try {
      body = await text;
    } catch (e) {
      text = undefined; // a bug: reported by the app's net, and tried again on the next request
      throw e;
    }
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' }, body };
  };
}
