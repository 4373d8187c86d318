import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LIMITS } from '../http.js';
import { componentSchemas } from './components.js';
import { type Answer, type OperationDoc, operations, type Security } from './operations.js';
import { openApiPath, routeTable, type TableRoute } from './route-table.js';
import { WEB_SERVICES, type V4WebServiceName } from '../v4/handlers.js';

/**
 * The OpenAPI 3.1 document of `esipay serve`, built from the route table (route-table.ts, the
 * route modules' own tables) and the zod schemas the code validates with or types its answers
 * by (components.ts): GET /openapi.json serves it, `npm run openapi` writes docs/openapi.json.
 * A route without its documentation, or documentation without its route, is refused here.
 */
export const DEFAULT_SERVER_URL = 'http://localhost:6543';

type Json = Record<string, unknown>;

const SECURITY: Record<Security, Json[]> = {
  public: [],
  v2: [],
  operator: [{ operatorToken: [] }],
  v4: [{ v4Basic: [] }],
  merchant: [{ merchantBasic: [] }],
};

const SECURITY_SCHEMES = {
  operatorToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'The operator token: `esipay serve` prints it on its first start, or ESIPAY_ADMIN_TOKEN sets it. Only its SHA-256 is stored.',
  },
  v4Basic: {
    type: 'http',
    scheme: 'basic',
    description: "The V4 API's HTTP Basic: user the merchant's 8-digit shop number or its uuid, password one of its secrets.",
  },
  merchantBasic: {
    type: 'http',
    scheme: 'basic',
    description: "HTTP Basic with the merchant's uuid and one of its secrets; the call must also come from the merchant's registered IP.",
  },
};

const TAGS = [
  {
    name: 'v2',
    description: "The v2 card API (seed 000): no credentials, the caller's IP must be the merchant's registered one (403 otherwise).",
  },
  {
    name: 'v4',
    description: 'The V4 JSON API (seed 001): payments at shipment and immediate payments, as the V4 platform. docs/v4-api.md.',
  },
  { name: 'links', description: 'Payment links (seed 002). docs/links.md.' },
  { name: 'pages', description: "The consumer's HTML pages: a link's pay page and a formToken's payment page." },
  { name: 'operator', description: 'The operator API, behind the operator token: every use case the CLI runs remotely. docs/service.md.' },
  { name: 'health', description: 'Probes for load balancers and orchestrators.' },
  { name: 'meta', description: 'Metrics and this document.' },
];

const PATH_PARAMETERS: Record<string, string> = {
  uuid: "the merchant's uuid",
  cid: "the merchant's reference for this payment",
  cardnumber: 'the card number (never stored, logged or echoed: the access log masks it)',
  cardmonth: 'expiry month, MM',
  cardyear: 'expiry year, YYYY',
  amount: 'decimal amount, "." separator, in the currency of the merchant or of the transaction',
  transaction: "the transaction's uuid",
  merchant: "the merchant's uuid",
  link: "the link's id",
  event: "the event's id",
  token: 'the formToken CreatePayment answered',
};

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Makes a retry safe: the same key answers the first outcome again and does nothing more.',
  schema: { type: 'string', maxLength: 200 },
};

export interface DocumentOptions {
  /** The server the document names; the default port on localhost when absent (docs/openapi.json). */
  serverUrl?: string;
}

export function openApiDocument(opts: DocumentOptions = {}): Json {
  const table = routeTable();
  const docs = operations(Object.keys(WEB_SERVICES) as V4WebServiceName[]);
  const keyOf = (r: TableRoute) => `${r.method} ${r.path}`;
  const missing = table.filter((r) => !(keyOf(r) in docs)).map(keyOf);
  const stale = Object.keys(docs).filter((k) => !table.some((r) => keyOf(r) === k));
  if (missing.length > 0 || stale.length > 0) {
    throw new Error(
      `the OpenAPI operations and the route table differ: ${[...missing.map((k) => `${k} has no documentation`), ...stale.map((k) => `${k} is no route`)].join('; ')}`,
    );
  }
  const { schemas, nameOf } = componentSchemas();
  const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): Json => {
    const name = nameOf.get(schema);
    if (name) return { $ref: `#/components/schemas/${name}` };
    const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
    return rest;
  };

  const responses: Record<string, Json> = {};
  const answerOf = (a: Answer): Json => {
    if (!a.name) return response(a, schemaOf);
    responses[a.name] ??= response(a, schemaOf);
    return { $ref: `#/components/responses/${a.name}` };
  };
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of table) {
    const doc = docs[keyOf(route)]!;
    const path = openApiPath(route.path);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route, doc, schemaOf, answerOf);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'esipay',
      version: packageVersion(),
      summary: 'Online card payments: the v2 card API, the V4 API, payment links and the operator API of `esipay serve`.',
      description:
        'Generated from the route table and the zod schemas of the service (src/server/openapi/): `npm run openapi` writes docs/openapi.json, and `esipay serve` answers it at GET /openapi.json. Amounts are integers of minor units beside an ISO 4217 currency, except where a path or a body says decimal. Every answer carries X-Request-Id. Any request may also be refused before its route: 413 body too large, 414 URI too long, 404 no such endpoint ({"error": …}).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: opts.serverUrl ?? DEFAULT_SERVER_URL }],
    tags: TAGS,
    paths,
    components: { schemas, responses: sortedByKey(responses), securitySchemes: SECURITY_SCHEMES },
  };
}

type SchemaOf = (s: z.ZodType, io: 'input' | 'output') => Json;

function operation(route: TableRoute, doc: OperationDoc, schemaOf: SchemaOf, answerOf: (a: Answer) => Json): Json {
  const parameters: Json[] = [];
  for (const m of route.path.matchAll(/:(\w+)/g)) {
    const name = m[1]!;
    // The v2 routes refuse a longer segment, naming the parameter (v2/routes.ts).
    const schema = route.group === 'v2' ? { type: 'string', maxLength: LIMITS.maxSegmentBytes } : { type: 'string' };
    parameters.push({ name, in: 'path', required: true, description: PATH_PARAMETERS[name], schema });
  }
  for (const [name, field] of Object.entries(doc.query?.shape ?? {})) {
    const schema = field as z.ZodType;
    const { description, ...rest } = schemaOf(schema, 'input');
    parameters.push({
      name,
      in: 'query',
      required: !schema.safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: rest,
    });
  }
  if (doc.idempotencyKey) parameters.push(IDEMPOTENCY_KEY);
  return {
    operationId: operationId(route),
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    security: SECURITY[doc.security],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: doc.body.required ?? true,
            content: { [doc.body.media ?? 'application/json']: { schema: schemaOf(doc.body.schema, 'input') } },
          },
        }
      : {}),
    responses: Object.fromEntries(Object.entries(doc.answers).map(([status, a]) => [status, answerOf(a)])),
  };
}

const sortedByKey = (o: Record<string, Json>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

function response(a: Answer, schemaOf: SchemaOf): Json {
  if (a.media) return { description: a.description, content: { [a.media]: { schema: { type: 'string' } } } };
  return {
    description: a.description,
    content: {
      'application/json': {
        schema: Array.isArray(a.json)
          ? { oneOf: a.json.map((s) => schemaOf(s, 'output')) }
          : a.json
            ? schemaOf(a.json, 'output')
            : { type: 'object' },
      },
    },
  };
}

/** "POST /admin/merchants/:merchant/rotate-secret" → "postAdminMerchantsMerchantRotateSecret": unique as the route is. */
function operationId(route: TableRoute): string {
  const words = [route.method.toLowerCase(), ...route.path.split(/[^A-Za-z0-9]+/).filter(Boolean)];
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
