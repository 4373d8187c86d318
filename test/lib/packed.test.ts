import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Received } from '../helpers/receiver.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { initialRequest, startV4Service, type V4Service } from '../v4/service.js';
import { TestClock } from '../v4/fixtures.js';

/**
 * The package as a merchant gets it: `npm pack` of this repository, installed from the tarball
 * into a new project (offline, from the npm cache this repository's install filled), and a
 * script there that imports 'esipay' and verifies what a running esipay sent: a v2 return-URL
 * POST, a V4 IPN and a payment link's callback, before and after a secret rotation. Tampered
 * copies are refused. The script loads nothing of the CLI, the store or their dependencies, and a
 * TypeScript file using the library type-checks against the shipped declarations.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TRACE = join(ROOT, 'test/fixtures/trace-imports.mjs');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(file: string, args: string[], cwd: string): Promise<Run> {
  const started = performance.now();
  // The child npm must not take this run's settings for its own (npm test exports its prefix and
  // project as npm_config_*): only the cache and the user's config go through.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('ESIPAY_')) continue;
    if (k.startsWith('npm_') && k !== 'npm_config_cache' && k !== 'npm_config_userconfig') continue;
    env[k] = v;
  }
  return new Promise((resolve) =>
    execFile(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) || 1 : 0, stdout, stderr, ms: performance.now() - started }),
    ),
  );
}

/** npm as it runs this suite (npm test), else the one on PATH. */
function npm(args: string[], cwd: string): Promise<Run> {
  const cli = process.env.npm_execpath;
  return cli && /npm-cli\.js$/.test(cli) ? run(process.execPath, [cli, ...args], cwd) : run('npm', args, cwd);
}

function ok(r: Run, what: string): Run {
  assert.equal(r.code, 0, `${what} failed:\n${r.stderr}`);
  return r;
}

/** One message as the merchant's server got it: what the library is given. */
interface Message {
  body: string;
  signature: string | undefined;
}

const messageOf = (r: Received): Message => ({ body: r.body, signature: r.headers['esipay-signature'] as string | undefined });

describe('the packed esipay package, installed in a merchant project', () => {
  let work: string;
  let shop: string;
  let files: string[];
  let installMs: number;
  let svc: V4Service;
  let receiver: Receiver;
  let previousSecret: string;
  let currentSecret: string;
  const messages: Record<string, Message> = {};

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'esipay-packed-'));
    // The suite built dist/ already: packing runs no build (prepare) again.
    const packed = ok(await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT), 'npm pack');
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    files = info!.files.map((f) => f.path);
    shop = join(work, 'shop');
    mkdirSync(shop);
    writeFileSync(join(shop, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
    const install = ok(
      await npm(['install', join(work, info!.filename), '--prefer-offline', '--no-audit', '--no-fund'], shop),
      'npm install of the tarball',
    );
    installMs = install.ms;

    // A running esipay (the service, its outbox deliverer and a payment link) sends to the merchant.
    receiver = await startReceiver(200);
    svc = await startV4Service({ clock: new TestClock(new Date().toISOString(), { running: true }) });
    const m = svc.merchant;
    previousSecret = m.secret;
    await svc.engine.updateMerchant(m.uuid, { returnUrl: `${receiver.url}/return`, notificationUrl: `${receiver.url}/ipn` });
    const payV2 = async (cid: string) => {
      const res = await fetch(`${svc.url}/cardpay/${m.uuid}/${cid}/4111111111111111/12/2035/10.00`, { method: 'POST' });
      assert.equal(((await res.json()) as { status: string }).status, 'PAID');
      return receiver.received.find((r) => r.path === '/return' && r.fields.cid === cid)!;
    };
    const nextAt = async (path: string) => {
      const seen = receiver.received.filter((r) => r.path === path).length;
      for (let n = receiver.received.length + 1; ; n++) {
        await receiver.waitFor(n);
        const at = receiver.received.filter((r) => r.path === path);
        if (at.length > seen) return at.at(-1)!;
      }
    };

    messages.returnUrl = messageOf(await payV2('packed-1'));
    const ipn = nextAt('/ipn');
    assert.equal((await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'packed-ipn-1' }))).body.status, 'SUCCESS');
    messages.ipn = messageOf(await ipn);
    // The link as a merchant creates it (POST /get_link_payment), paid as the page pays it.
    const created = await fetch(`${svc.url}/get_link_payment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(`${m.uuid}:${m.secret}`).toString('base64') },
      body: JSON.stringify({
        beneficiary_reference: 'b-1',
        amount: '2500',
        payment_reference: 'packed-link-1',
        consumer_reference: 'c-42',
        url_callback: `${receiver.url}/link`,
        consumer_email: 'a@b.fr',
        consumer_phone_number: '0600000000',
      }),
    });
    const link = (await created.json()) as { result: boolean; link: string };
    assert.equal(link.result, true);
    const callback = nextAt('/link');
    const opened = await svc.engine.links.openLink(new URL(link.link).searchParams.get('SDESSID')!);
    assert.ok((await svc.engine.links.payLink(opened!, { number: '4111111111111111', expiry: '12/35' })).ok);
    messages.linkCallback = messageOf(await callback);

    // A rotation: both secrets sign the return URL; the IPN is signed with the new one.
    currentSecret = (await svc.engine.rotateMerchantSecret(m.uuid)).secret;
    messages.rotatedReturnUrl = messageOf(await payV2('packed-2'));
    const rotatedIpn = nextAt('/ipn');
    await svc.call('Charge/CreatePayment', initialRequest({ orderId: 'packed-ipn-2' }), { as: { uuid: m.uuid, secret: currentSecret } });
    messages.rotatedIpn = messageOf(await rotatedIpn);
  });

  after(async () => {
    await svc?.close();
    await receiver?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs from the tarball and the npm cache, and says how long that took', () => {
    const installed = JSON.parse(readFileSync(join(shop, 'node_modules/esipay/package.json'), 'utf8'));
    assert.equal(installed.name, 'esipay');
    console.log(`[packed] npm install of the tarball: ${Math.round(installMs)} ms`);
  });

  it('ships a LICENSE and says where the code, its home page and its bug tracker are', () => {
    assert.ok(files.includes('LICENSE'));
    assert.match(readFileSync(join(shop, 'node_modules/esipay/LICENSE'), 'utf8'), /^MIT License/);
    const pkg = JSON.parse(readFileSync(join(shop, 'node_modules/esipay/package.json'), 'utf8'));
    assert.equal(pkg.license, 'MIT');
    assert.match(pkg.repository.url, /^git\+https:\/\//);
    assert.match(pkg.bugs.url, /^https:\/\//);
    assert.match(pkg.homepage, /^https:\/\//);
  });

  it('ships no source map, and no JavaScript that names a map or a source it does not ship', () => {
    const shipped = new Set(files);
    for (const file of files) {
      if (file.endsWith('.map')) {
        const map = JSON.parse(readFileSync(join(shop, 'node_modules/esipay', file), 'utf8')) as { sources: string[] };
        for (const s of map.sources) assert.ok(shipped.has(posix.join(posix.dirname(file), s)), `${file} points at ${s}`);
      }
      if (!file.endsWith('.js')) continue;
      const named = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(shop, 'node_modules/esipay', file), 'utf8'))?.[1];
      if (named && !named.startsWith('data:')) assert.ok(shipped.has(posix.join(posix.dirname(file), named)), `${file} names ${named}`);
    }
    assert.deepEqual(
      files.filter((f) => f.endsWith('.map')),
      [],
    );
  });

  it("verifies esipay's own messages in the merchant's project and refuses tampered ones, loading only the library", async () => {
    writeFileSync(join(shop, 'messages.json'), JSON.stringify({ messages, previousSecret, currentSecret }));
    writeFileSync(join(shop, 'verify.mjs'), VERIFY_SCRIPT);
    const r = ok(await run(process.execPath, ['--import', TRACE, 'verify.mjs'], shop), 'the merchant script');
    const got = JSON.parse(r.stdout) as Record<string, { ok: boolean; payload?: any; reason?: string }>;

    assert.equal(got.returnUrl!.ok, true, got.returnUrl!.reason);
    assert.equal(got.returnUrl!.payload.cid, 'packed-1');
    assert.equal(got.returnUrl!.payload.amount, '10.00');
    assert.deepEqual(got.returnUrlTampered, { ok: false, reason: 'no signature matches the secret' });
    assert.deepEqual(got.returnUrlReplayed, { ok: false, reason: 'timestamp outside the 300s tolerance' });

    assert.equal(got.ipn!.ok, true, got.ipn!.reason);
    assert.equal(got.ipn!.payload.orderDetails.orderId, 'packed-ipn-1');
    assert.equal(got.ipn!.payload.orderStatus, 'PAID');
    assert.equal(got.ipnFromFields!.ok, true, got.ipnFromFields!.reason);
    assert.deepEqual(got.ipnTampered, { ok: false, reason: 'kr-hash matches no secret' });

    assert.equal(got.linkCallback!.ok, true, got.linkCallback!.reason);
    assert.equal(got.linkCallback!.payload.event, 'link.paid');
    assert.equal(got.linkCallback!.payload.payment_reference, 'packed-link-1');
    assert.deepEqual(got.linkCallbackTampered, { ok: false, reason: 'no signature matches the secret' });
    assert.match(got.linkCallbackAsReturnUrl!.reason!, /^signed by esipay, but not a return-URL POST/);

    for (const k of ['rotatedWithPrevious', 'rotatedWithCurrent', 'rotatedIpn']) assert.equal(got[k]!.ok, true, `${k}: ${got[k]!.reason}`);
    assert.deepEqual(got.rotatedIpnWithPreviousOnly, { ok: false, reason: 'kr-hash matches no secret' });

    const imports = JSON.parse(/IMPORTS (.*)/.exec(r.stderr)![1]!) as string[];
    const loaded = imports.filter((s) => !s.startsWith('node:') && !s.startsWith('file:') && !s.endsWith('verify.mjs'));
    for (const s of loaded) {
      assert.ok(s === 'esipay' || /^\.\/[a-z-]+\.js$/.test(s) || s === '../callback/signature.js', `the library loaded ${s}`);
    }
    for (const heavy of ['undici', 'zod', 'ink', 'react', 'better-sqlite3', 'pg', 'commander', 'chalk', 'conf'])
      assert.ok(!imports.includes(heavy), `the library loaded ${heavy}`);
  });

  it('type-checks a TypeScript file that uses the library against the shipped declarations', async () => {
    writeFileSync(join(shop, 'check.ts'), TYPES_CHECK);
    writeFileSync(
      join(shop, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['check.ts'],
      }),
    );
    assert.ok(
      existsSync(join(shop, 'node_modules/esipay', JSON.parse(readFileSync(join(shop, 'node_modules/esipay/package.json'), 'utf8')).types)),
    );
    const r = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], shop);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});

/** What a merchant's code does with what its server received. */
const VERIFY_SCRIPT = `
import { readFileSync } from 'node:fs';
import { verifyIpn, verifyLinkCallback, verifyReturnUrl } from 'esipay';

const { messages: m, previousSecret, currentSecret } = JSON.parse(readFileSync('messages.json', 'utf8'));
const later = Date.now() + 301_000;
const fields = Object.fromEntries(new URLSearchParams(m.ipn.body));
const forged = { ...fields, 'kr-answer': fields['kr-answer'].replace('"PAID"', '"UNPAID"') };
const out = {
  returnUrl: verifyReturnUrl(Buffer.from(m.returnUrl.body), m.returnUrl.signature, previousSecret),
  returnUrlTampered: verifyReturnUrl(m.returnUrl.body.replace('amount=10.00', 'amount=0.01'), m.returnUrl.signature, previousSecret),
  returnUrlReplayed: verifyReturnUrl(m.returnUrl.body, m.returnUrl.signature, previousSecret, { now: later }),
  ipn: verifyIpn(m.ipn.body, previousSecret),
  ipnFromFields: verifyIpn(fields, previousSecret),
  ipnTampered: verifyIpn(forged, previousSecret),
  linkCallback: verifyLinkCallback(m.linkCallback.body, m.linkCallback.signature, previousSecret),
  linkCallbackTampered: verifyLinkCallback(m.linkCallback.body.replace('"2500"', '"1"'), m.linkCallback.signature, previousSecret),
  linkCallbackAsReturnUrl: verifyReturnUrl(m.linkCallback.body, m.linkCallback.signature, previousSecret),
  rotatedWithPrevious: verifyReturnUrl(m.rotatedReturnUrl.body, m.rotatedReturnUrl.signature, previousSecret),
  rotatedWithCurrent: verifyReturnUrl(m.rotatedReturnUrl.body, m.rotatedReturnUrl.signature, currentSecret),
  rotatedIpn: verifyIpn(m.rotatedIpn.body, [currentSecret, previousSecret]),
  rotatedIpnWithPreviousOnly: verifyIpn(m.rotatedIpn.body, previousSecret),
};
process.stdout.write(JSON.stringify(out));
`;

/** The types a merchant's TypeScript sees: a result narrows on ok to its payload or its reason. */
const TYPES_CHECK = `
import { verifyIpn, verifyLinkCallback, verifyReturnUrl, type VerifyResult, type ReturnUrlPayload } from 'esipay';

const r: VerifyResult<ReturnUrlPayload> = verifyReturnUrl(Buffer.from(''), undefined, 'secret', { toleranceSeconds: 60 });
if (r.ok) {
  const transaction: string = r.payload.transaction;
  void transaction;
} else {
  const reason: string = r.reason;
  void reason;
}
// @ts-expect-error a payload only when ok
void r.payload;
const i = verifyIpn(new URLSearchParams(''), ['current', 'previous']);
if (i.ok) {
  const status: string = i.payload.orderStatus;
  const uuid: string | undefined = i.payload.transactions[0]?.uuid;
  void status, uuid;
}
const l = verifyLinkCallback('', ['t=1,v1=00'], 'secret', { now: new Date() });
if (l.ok) {
  const event: 'link.paid' | 'link.debit' = l.payload.event;
  void event;
}
// @ts-expect-error the secret is a string or an array of strings
verifyIpn('', 42);
`;
