import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../src/server/openapi/document.js';
import { openApiPath, routeTable, type TableRoute } from '../../src/server/openapi/route-table.js';
import { openApiText } from '../../src/server/openapi/write.js';
import { tempSqlite } from '../contract/subjects.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { SEED_EXAMPLE } from '../links/service.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { type Answer, http, nextYear, registerMerchant } from './http-client.js';

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The routes of the table the document has no operation for, and the operations that are no route. */
function routeCoverage(doc: Json, table: TableRoute[]): { undocumented: string[]; unrouted: string[] } {
  const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
  const routes = new Set(table.map((r) => key(r.method, openApiPath(r.path))));
  const operations = new Set(
    Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => key(m, path)),
    ),
  );
  return { undocumented: [...routes].filter((r) => !operations.has(r)), unrouted: [...operations].filter((o) => !routes.has(o)) };
}

/** An Ajv (JSON Schema 2020-12, strict) holding the document's schemas, and the validator of one answer. */
function answerValidator(doc: Json) {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats.default(ajv);
  const local = (schema: unknown) => JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/', '#/$defs/'));
  const $defs = local(doc.components.schemas);
  return {
    compileComponent: (name: string) => ajv.compile({ $defs, $ref: `#/$defs/${name}` }),
    /** Checks an answer against the schema the document gives its operation for its status. */
    check(method: string, path: string, a: Answer) {
      // A method the path does not have is the 405 each of its operations documents.
      const item = doc.paths[path];
      const op = item?.[method] ?? (a.status === 405 ? Object.values(item ?? {})[0] : undefined);
      assert.ok(op, `${method} ${path} is documented`);
      let response = op.responses[String(a.status)];
      assert.ok(response, `${method.toUpperCase()} ${path} documents status ${a.status} (answered ${a.text.slice(0, 200)})`);
      if (response.$ref) response = doc.components.responses[response.$ref.split('/').pop()];
      const [media, content] = Object.entries(response.content as Json)[0]!;
      assert.ok(String(a.headers['content-type']).startsWith(media), `${path} ${a.status}: ${a.headers['content-type']} is ${media}`);
      if (media !== 'application/json') return;
      const validate = ajv.compile({ $defs, ...local(content.schema) });
      assert.ok(
        validate(a.json()),
        `${method.toUpperCase()} ${path} ${a.status}: ${ajv.errorsText(validate.errors)}\n${a.text.slice(0, 800)}`,
      );
    },
  };
}

describe('OpenAPI document', () => {
  const doc: Json = openApiDocument();

  it('docs/openapi.json is the generated document (refresh it with npm run openapi)', () => {
    const committed = readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');
    assert.equal(committed, openApiText(), 'docs/openapi.json differs from the code: run npm run openapi and commit it');
  });

  it('is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator), and each schema compiles as strict JSON Schema 2020-12', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    assert.equal(validator.version, '3.1');
    assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
    const schemas = answerValidator(doc);
    for (const name of Object.keys(doc.components.schemas)) assert.doesNotThrow(() => schemas.compileComponent(name), name);
  });

  it('the validator refuses a broken document (so the check above can fail)', async () => {
    const broken = structuredClone(doc);
    broken.paths['/healthz'].get.responses = { ok: { description: 'not a status' } };
    assert.equal((await new Validator().validate(broken)).valid, false);
  });

  it('has one operation for every route of the route table, and none that is no route', () => {
    const table = routeTable();
    assert.ok(table.length > 40, `the table lists ${table.length} routes`);
    assert.deepEqual(routeCoverage(doc, table), { undocumented: [], unrouted: [] });
    for (const group of ['health', 'metrics', 'openapi', 'v2', 'admin', 'v4', 'payform', 'links'])
      assert.ok(
        table.some((r) => r.group === group),
        group,
      );
  });

  it('the route table reads every route module app.ts answers with (a module added there must be added to it)', () => {
    const app = readFileSync(new URL('../../../src/server/app.ts', import.meta.url), 'utf8');
    const list = /const routes: Route\[\] = \[([\s\S]*?)\n  \];/.exec(app)?.[1];
    assert.ok(list, "createApp's route list");
    const modules = [...list.matchAll(/(\w+Routes?)\(/g)].map((m) => m[1]);
    /** Which groups of the route table each module's routes are. */
    const groups: Record<string, string[]> = {
      healthRoutes: ['health'],
      metricsRoute: ['metrics'],
      openApiRoute: ['openapi'],
      v2Routes: ['v2'],
      adminRoutes: ['admin'],
      v4Routes: ['v4', 'payform'],
      linkRoutes: ['links'],
    };
    assert.deepEqual(
      modules,
      Object.keys(groups),
      'a route module of app.ts is missing from the route table (src/server/openapi/route-table.ts)',
    );
    assert.deepEqual([...new Set(routeTable().map((r) => r.group))], Object.values(groups).flat());
  });

  it('finds a route taken out of the document, and an operation that answers nothing', () => {
    const less = structuredClone(doc);
    delete less.paths['/admin/merchants/{merchant}/totals'].get;
    less.paths['/admin/nothing'] = { get: less.paths['/admin/merchants'].get };
    assert.deepEqual(routeCoverage(less, routeTable()), {
      undocumented: ['GET /admin/merchants/{merchant}/totals'],
      unrouted: ['GET /admin/nothing'],
    });
  });

  it('names its security: the operator token, the V4 Basic credentials, none on the v2 API (the caller IP decides)', () => {
    assert.deepEqual(doc.paths['/admin/merchants'].get.security, [{ operatorToken: [] }]);
    assert.deepEqual(doc.paths['/metrics'].get.security, [{ operatorToken: [] }]);
    assert.deepEqual(doc.paths['/api-payment/V4/Charge/CreatePayment'].post.security, [{ v4Basic: [] }]);
    assert.deepEqual(doc.paths['/get_link_payment'].post.security, [{ merchantBasic: [] }]);
    assert.deepEqual(doc.paths['/cardpay/{uuid}/{transaction}'].get.security, []);
    assert.deepEqual(Object.keys(doc.paths['/cardpay/{uuid}/{cid}/{cardnumber}/{cardmonth}/{cardyear}/{amount}'].get.responses).sort(), [
      '200',
      '400',
      '403',
      '405',
      '500',
    ]);
  });
});

describe('OpenAPI document against a running esipay serve', () => {
  let serve: ServeProcess;
  let receiver: Receiver;
  let cleanup: () => void;
  const doc: Json = openApiDocument();
  const answers = answerValidator(doc);
  const exercised = new Set<string>();

  /** Sends one request and checks its answer against what the document says of that status. */
  async function call(
    method: string,
    path: string,
    template: string,
    opts: { headers?: Record<string, string>; body?: unknown; form?: string } = {},
  ): Promise<Answer> {
    const body = opts.form ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
    const headers = {
      ...(opts.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    };
    const a = await http(serve.url, method, path, { headers, ...(body !== undefined ? { body } : {}) });
    answers.check(method.toLowerCase(), template, a);
    exercised.add(`${method} ${template}`);
    return a;
  }
  const operator = () => ({ authorization: `Bearer ${serve.token}` });

  before(async () => {
    const t = tempSqlite();
    cleanup = t.cleanup;
    receiver = await startReceiver(200);
    serve = await startServe({ db: t.db });
  });
  after(async () => {
    await serve.stop();
    await receiver.close();
    cleanup();
  });

  it('answers GET /openapi.json without a token: the generated document, naming the service as its server', async () => {
    const a = await call('GET', '/openapi.json', '/openapi.json');
    assert.equal(a.status, 200);
    const served = a.json();
    assert.equal(served.servers[0].url, serve.url);
    assert.deepEqual(served, openApiDocument({ serverUrl: serve.url }));
    assert.equal((await http(serve.url, 'HEAD', '/openapi.json')).status, 200);
    assert.equal((await call('POST', '/openapi.json', '/openapi.json')).status, 405);
  });

  it('answers each probe, the metrics and the operator API as documented', async () => {
    for (const probe of ['/healthz', '/readyz', '/livez']) assert.equal((await call('GET', probe, probe)).status, 200);
    assert.equal((await call('POST', '/healthz', '/healthz')).status, 405);
    assert.equal((await call('GET', '/metrics', '/metrics', { headers: operator() })).status, 200);
    assert.equal((await call('GET', '/metrics', '/metrics')).status, 401);
    assert.equal((await call('GET', '/admin/merchants', '/admin/merchants')).status, 401);

    const created = await call('POST', '/admin/merchants', '/admin/merchants', {
      headers: operator(),
      body: { name: 'Doc shop', ip: '127.0.0.1', returnUrl: `${receiver.url}/ok` },
    });
    assert.equal(created.status, 201);
    const m = created.json().uuid as string;
    const M = '/admin/merchants/{merchant}';
    assert.equal((await call('GET', '/admin/merchants?limit=5', '/admin/merchants', { headers: operator() })).status, 200);
    assert.equal((await call('GET', `/admin/merchants/${m}`, M, { headers: operator() })).status, 200);
    assert.equal((await call('GET', '/admin/merchants/no-such-merchant', M, { headers: operator() })).status, 404);
    assert.equal((await call('PATCH', `/admin/merchants/${m}`, M, { headers: operator(), body: { name: 'Doc shop 2' } })).status, 200);
    assert.equal((await call('PATCH', `/admin/merchants/${m}`, M, { headers: operator(), body: {} })).status, 400);
    assert.equal((await call('GET', `/admin/merchants/${m}/totals`, `${M}/totals`, { headers: operator() })).status, 200);
    for (const path of ['/admin/clock', '/admin/mode', '/admin/events', '/admin/events/feed'])
      assert.equal((await call('GET', path, path, { headers: operator() })).status, 200, path);
    assert.equal(
      (await call('POST', '/admin/clock/advance', '/admin/clock/advance', { headers: operator(), body: { duration: 'soon' } })).status,
      400,
    );
    assert.equal((await call('DELETE', '/admin/clock', '/admin/clock', { headers: operator() })).status, 405);
  });

  it('answers the v2 API as documented: a payment, a partial and a full refund, and its refusals', async () => {
    const m = await registerMerchant(serve.url, serve.token, `${receiver.url}/ok`);
    const PAY = '/cardpay/{uuid}/{cid}/{cardnumber}/{cardmonth}/{cardyear}/{amount}';
    const paid = await call('GET', `/cardpay/${m.uuid}/doc-1/4111111111111111/12/${nextYear}/10.00`, PAY);
    assert.equal(paid.status, 200);
    const tx = paid.json().id as string;
    assert.equal((await call('POST', `/cardpay/${m.uuid}/doc-2/4000000000000002/12/${nextYear}/10.00`, PAY)).status, 400);
    assert.equal((await call('GET', `/cardpay/${m.uuid}/${tx}/1.00`, '/cardpay/{uuid}/{transaction}/{amount}')).status, 200);
    assert.equal((await call('POST', `/cardpay/${m.uuid}/${tx}/1.00`, '/cardpay/{uuid}/{transaction}/{amount}')).status, 200);
    assert.equal((await call('POST', `/cardpay/${m.uuid}/${tx}`, '/cardpay/{uuid}/{transaction}')).status, 200);
    assert.equal((await call('GET', `/cardpay/${m.uuid}/${tx}`, '/cardpay/{uuid}/{transaction}')).status, 400);
    assert.equal((await call('PUT', `/cardpay/${m.uuid}/${tx}`, '/cardpay/{uuid}/{transaction}')).status, 405);

    const T = '/admin/merchants/{merchant}/transactions';
    assert.equal((await call('GET', `/admin/merchants/${m.uuid}/transactions`, T, { headers: operator() })).status, 200);
    assert.equal(
      (await call('GET', `/admin/merchants/${m.uuid}/transactions/${tx}`, `${T}/{transaction}`, { headers: operator() })).status,
      200,
    );
    assert.equal(
      (await call('GET', `/admin/transactions/${tx}`, '/admin/transactions/{transaction}', { headers: operator() })).status,
      200,
    );
    const again = await call('POST', `/admin/transactions/${tx}/refunds`, '/admin/transactions/{transaction}/refunds', {
      headers: operator(),
      body: { amount: '1.00' },
    });
    assert.equal(again.status, 409, again.text);
  });

  it('answers the V4 API and get_link_payment as documented', async () => {
    const m = await registerMerchant(serve.url, serve.token, `${receiver.url}/ok`);
    const basic = { authorization: `Basic ${Buffer.from(`${m.uuid}:${m.secret}`).toString('base64')}` };
    const V4 = '/api-payment/V4';
    const sdk = await call('POST', `${V4}/Charge/SDKTest`, `${V4}/Charge/SDKTest`, { headers: basic, body: { value: 'hello' } });
    assert.equal(sdk.json().answer.value, 'hello');
    assert.equal((await call('POST', `${V4}/Charge/SDKTest`, `${V4}/Charge/SDKTest`, { body: {} })).status, 401);
    assert.equal((await call('GET', `${V4}/Charge/SDKTest`, `${V4}/Charge/SDKTest`, { headers: basic })).status, 405);
    const card = { paymentMethodType: 'CARD', pan: '4111111111111111', expiryMonth: '12', expiryYear: nextYear };
    const paid = await call('POST', `${V4}/Charge/CreatePayment`, `${V4}/Charge/CreatePayment`, {
      headers: basic,
      body: { amount: 1500, currency: 'EUR', orderId: 'doc-order', paymentForms: [card] },
    });
    assert.equal(paid.json().status, 'SUCCESS', paid.text);
    const uuid = paid.json().answer.transactions[0].uuid as string;
    const form = await call('POST', `${V4}/Charge/CreatePayment`, `${V4}/Charge/CreatePayment`, {
      headers: basic,
      body: { amount: 900, currency: 'EUR', orderId: 'doc-form' },
    });
    assert.equal(form.json().answer._type, 'V4/Charge/PaymentForm');
    assert.equal(
      (await call('POST', `${V4}/Transaction/Get`, `${V4}/Transaction/Get`, { headers: basic, body: { uuid } })).json().status,
      'SUCCESS',
    );
    assert.equal(
      (await call('POST', `${V4}/Order/Get`, `${V4}/Order/Get`, { headers: basic, body: { orderId: 'doc-order' } })).json().status,
      'SUCCESS',
    );
    const refund = await call('POST', `${V4}/Transaction/Refund`, `${V4}/Transaction/Refund`, {
      headers: basic,
      body: { uuid, amount: 100 },
    });
    assert.equal(refund.json().status, 'SUCCESS', refund.text);
    const unknown = await call('POST', `${V4}/Transaction/Get`, `${V4}/Transaction/Get`, {
      headers: basic,
      body: { uuid: 'f'.repeat(32) },
    });
    assert.equal(unknown.json().answer.errorCode, 'PSP_010');
    assert.equal(
      (await call('POST', `${V4}/Charge/CreateToken`, `${V4}/Charge/CreateToken`, { headers: basic, body: {} })).json().status,
      'ERROR',
    );

    const token = String(form.json().answer.formToken);
    assert.equal((await call('GET', `/payform/${token}`, '/payform/{token}')).status, 200);
    assert.equal((await call('GET', '/payform/nothing-here', '/payform/{token}')).status, 404);

    const link = await call('POST', '/get_link_payment', '/get_link_payment', { headers: basic, body: {} });
    assert.equal(link.json().result, false);
    assert.equal((await call('GET', '/paypage?SDESSID=unknown', '/paypage')).status, 404);
  });

  it('answers the rest of the operator API, the V4 shipments and the consumer pages as documented', async () => {
    const m = await registerMerchant(serve.url, serve.token, `${receiver.url}/ok`);
    const M = `/admin/merchants/${m.uuid}`;
    const as = { headers: operator() };
    const rotated = await call('POST', `${M}/rotate-secret`, '/admin/merchants/{merchant}/rotate-secret', as);
    assert.equal(rotated.status, 200);
    assert.equal((await call('POST', `${M}/disable`, '/admin/merchants/{merchant}/disable', as)).status, 200);
    assert.equal((await call('POST', `${M}/enable`, '/admin/merchants/{merchant}/enable', as)).status, 200);
    const card = { number: '4111111111111111', month: '12', year: nextYear };
    const initial = await call('POST', '/admin/initials', '/admin/initials', {
      ...as,
      body: { merchant: m.uuid, amount: '30.00', orderId: 'doc-init', card },
    });
    assert.equal(initial.status, 201, initial.text);
    const shipment = { merchant: m.uuid, initial: initial.json().id, amount: '10.00' };
    assert.equal((await call('POST', '/admin/shipments', '/admin/shipments', { ...as, body: shipment })).status, 201);
    const link = await call('POST', '/admin/links', '/admin/links', {
      ...as,
      body: {
        ...{ merchant: m.uuid, amount: '12.00', paymentReference: 'doc-link', consumerReference: 'c-1' },
        ...{ callbackUrl: `${receiver.url}/link`, email: 'buyer@example.com', phone: '+33600000000' },
      },
    });
    assert.equal(link.status, 201, link.text);
    assert.equal((await call('GET', `${M}/links`, '/admin/merchants/{merchant}/links', as)).status, 200);
    assert.equal((await call('GET', `/admin/links/${link.json().id}`, '/admin/links/{link}', as)).status, 200);

    assert.equal((await call('POST', '/admin/clock/advance', '/admin/clock/advance', { ...as, body: { duration: '1h' } })).status, 200);
    // Back to real time is a move backwards after an advance: refused without force.
    assert.equal((await call('POST', '/admin/clock/reset', '/admin/clock/reset', { ...as, body: {} })).status, 409);
    assert.equal((await call('POST', '/admin/clock/set', '/admin/clock/set', { ...as, body: { time: 'yesterday-ish' } })).status, 400);
    assert.equal((await call('POST', '/admin/clock/reset', '/admin/clock/reset', { ...as, body: { force: true } })).status, 200);
    assert.equal((await call('POST', '/admin/mode', '/admin/mode', { ...as, body: { mode: 'staging' } })).status, 400);
    const events = (await call('GET', '/admin/events?limit=5', '/admin/events', as)).json().items as { id: string }[];
    assert.ok(events.length > 0, 'the payments so far queued events');
    assert.equal((await call('GET', `/admin/events/${events[0]!.id}`, '/admin/events/{event}', as)).status, 200);
    assert.equal((await call('POST', `/admin/events/${events[0]!.id}/resend`, '/admin/events/{event}/resend', as)).status, 200);
    assert.equal((await call('GET', '/admin/events/feed?limit=2', '/admin/events/feed', as)).status, 200);

    const basic = { authorization: `Basic ${Buffer.from(`${m.uuid}:${rotated.json().secret}`).toString('base64')}` };
    const V4 = '/api-payment/V4';
    const v4card = { paymentMethodType: 'CARD', pan: '4111111111111111', expiryMonth: '12', expiryYear: nextYear };
    const authorised = await call('POST', `${V4}/Charge/CreatePayment`, `${V4}/Charge/CreatePayment`, {
      headers: basic,
      body: { amount: 3000, currency: 'EUR', orderId: 'doc-ship', useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION', paymentForms: [v4card] },
    });
    assert.equal(authorised.json().status, 'SUCCESS', authorised.text);
    const initialUuid = authorised.json().answer.transactions[0].uuid as string;
    const shipped = await call('POST', `${V4}/Charge/CreateShipmentTransaction`, `${V4}/Charge/CreateShipmentTransaction`, {
      headers: basic,
      body: { uuid: initialUuid, amount: 1000, currency: 'EUR' },
    });
    assert.equal(shipped.json().status, 'SUCCESS', shipped.text);
    const cancel = await call('POST', `${V4}/Transaction/CancelOrRefund`, `${V4}/Transaction/CancelOrRefund`, {
      headers: basic,
      body: { uuid: shipped.json().answer.uuid },
    });
    assert.equal(cancel.json().status, 'SUCCESS', cancel.text);

    const form = await call('POST', `${V4}/Charge/CreatePayment`, `${V4}/Charge/CreatePayment`, {
      headers: basic,
      body: { amount: 700, currency: 'EUR', orderId: 'doc-form-pay' },
    });
    const fields = new URLSearchParams({ cardNumber: '4111111111111111', expiryMonth: '12', expiryYear: nextYear }).toString();
    const token = String(form.json().answer.formToken);
    assert.equal((await call('POST', `/payform/${token}`, '/payform/{token}', { form: fields })).status, 200);

    const created = await call('POST', '/get_link_payment', '/get_link_payment', {
      headers: basic,
      body: { ...SEED_EXAMPLE, payment_reference: 'doc-link-2' },
    });
    assert.equal(created.json().result, true, created.text);
    const sdessid = new URL(created.json().link).search;
    const page = await call('GET', `/paypage${sdessid}`, '/paypage');
    const formToken = /name="form_token" value="([^"]+)"/.exec(page.text)?.[1];
    assert.ok(formToken, 'the pay page carries its form token');
    const payLink = new URLSearchParams({ number: '4111 1111 1111 1111', expiry: `12/${nextYear.slice(2)}`, form_token: formToken });
    assert.equal((await call('POST', `/paypage${sdessid}`, '/paypage', { form: payLink.toString() })).status, 200);
  });

  it('sent a request to every documented operation', () => {
    const documented = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    assert.deepEqual(
      documented.filter((o) => !exercised.has(o)),
      [],
    );
  });
});

describe('OpenAPI document: what esipay serve loads for it', () => {
  const preload = fileURLToPath(new URL('../../../test/fixtures/trace-imports.mjs', import.meta.url));
  const generator = (imports: string[]) => imports.filter((s) => s.endsWith('openapi/document.js'));

  it('loads the generator on the first GET /openapi.json, not before', async () => {
    for (const asked of [false, true]) {
      const t = tempSqlite();
      const serve = await startServe({ db: t.db, nodeArgs: ['--import', preload] });
      try {
        assert.equal((await http(serve.url, 'GET', '/healthz')).status, 200);
        if (asked) assert.equal((await http(serve.url, 'GET', '/openapi.json')).status, 200);
      } finally {
        await serve.stop();
        t.cleanup();
      }
      const imports = JSON.parse(/IMPORTS (.*)/.exec(serve.stderr())![1]!) as string[];
      assert.equal(generator(imports).length, asked ? 1 : 0, `asked for the document: ${asked}`);
    }
  });
});
