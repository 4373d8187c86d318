import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startServe } from '../helpers/serve.js';
import { registerMerchant, tempDir, withStore } from './live.js';
import { startMerchantServer } from './merchant-server.js';
import { jsonCall, rawRequest } from './raw-http.js';

/** Test PANs of every outcome, and numbers that are one typo away from a real card. */
const PANS = [
  '4111111111111111',
  '5555555555554444',
  '4000000000000002',
  '4000000000009995',
  '4000000000000119',
  '378282246310005',
  '4111111111111112',
  '5555555555554445',
];

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('secrets: card numbers and tokens stay out of files, logs and answers', () => {
  it(
    'no test PAN anywhere in the data directory, database, WAL, access log, answers or CLI errors; config 0600; operator token hashed',
    { timeout: 120_000 },
    async () => {
      const { dir: home, cleanup } = tempDir('esipay-secrets-');
      const db = join(home, 'data', 'esipay.db');
      const merchantServer = await startMerchantServer((cb) => ({ status: cb.fields.cid?.startsWith('fail') ? 500 : 200 }));
      // No ESIPAY_ADMIN_TOKEN: the service creates the operator token and prints it once.
      const serve = await startServe({ db, home, adminToken: null, args: ['--callback-timeout', '2000'] });
      const seen: string[] = [];
      try {
        assert.ok(serve.token.length >= 32, 'the created token was printed once');
        const merchant = await registerMerchant(serve, merchantServer.url);
        let n = 0;
        for (const pan of PANS) {
          for (const method of ['GET', 'POST']) {
            for (const cid of [`ok-${n++}`, `fail-${n++}`]) {
              const a = await rawRequest(serve.url, { method, target: `/cardpay/${merchant.uuid}/${cid}/${pan}/12/2040/12.34` });
              seen.push(a.body);
            }
            // Wrong number of segments, an expired card, a percent-encoded number: the number is still kept out.
            seen.push(
              (await rawRequest(serve.url, { method, target: `/cardpay/${merchant.uuid}/x-${n++}/${pan}/12/2040/12.34/extra` })).body,
            );
            seen.push((await rawRequest(serve.url, { method, target: `/cardpay/${merchant.uuid}/x-${n++}/${pan}/01/2020/1.00` })).body);
            seen.push(
              (
                await rawRequest(serve.url, {
                  method,
                  target: `/cardpay/${merchant.uuid}/x-${n++}/${pan
                    .split('')
                    .map((d) => '%3' + d)
                    .join('')}/12/2040/1.00`,
                })
              ).body,
            );
          }
          // V4: the number travels in the JSON body (a PCI-DSS merchant), initial payment then a shipment.
          const v4 = await rawRequest(serve.url, {
            method: 'POST',
            target: '/api-payment/V4/Charge/CreatePayment',
            headers: {
              authorization: 'Basic ' + Buffer.from(`${merchant.uuid}:${merchant.secret}`).toString('base64'),
              'content-type': 'application/json',
            },
            body: JSON.stringify({
              amount: 5000,
              currency: 'EUR',
              orderId: `v4-${n++}`,
              useCase: 'SHIPMENT_MULTIPLE_AUTHORISATION',
              paymentForms: [{ paymentMethodType: 'CARD', pan, expiryMonth: 12, expiryYear: 2040 }],
              customer: { email: 'b@example.com' },
            }),
          });
          seen.push(v4.body);
          // The CLI on the same database, its errors included.
          for (const expiry of ['12/2040', '01/2020']) {
            const r = await runCli(
              ['pay', '10.00', '--card', pan, '--expiry', expiry, '--cid', `cli-${n++}`, '--merchant', merchant.uuid, '--db', db],
              { home },
            );
            seen.push(r.stdout, r.stderr);
            if (pan.startsWith('4')) {
              const j = await runCli(
                [
                  'pay',
                  '10.00',
                  '--card',
                  pan,
                  '--expiry',
                  expiry,
                  '--cid',
                  `cli-${n++}`,
                  '--merchant',
                  merchant.uuid,
                  '--db',
                  db,
                  '--json',
                ],
                { home },
              );
              seen.push(j.stdout, j.stderr);
            }
          }
        }
        assert.ok(
          seen.some((s) => s.includes('"status":"PAID"')),
          'payments went through (the test exercised the paths)',
        );
        const config = await runCli(['config', 'set', 'merchant', merchant.uuid], { home });
        assert.equal(config.code, 0, config.stderr);

        const grep = (where: string, text: string | Buffer) => {
          const s = Buffer.isBuffer(text) ? text.toString('latin1') : text;
          for (const pan of PANS) assert.ok(!s.includes(pan), `card number ${pan} found in ${where}`);
        };
        // The merchant's secrets (its V4 and link password, the key of its signatures) are sealed
        // in the database: neither the one it was registered with nor the one a rotation gave it.
        const rotated = await jsonCall(`${serve.url}/admin/merchants/${merchant.uuid}/rotate-secret`, {
          method: 'POST',
          token: serve.token,
          body: {},
        });
        assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
        const merchantSecrets: string[] = [merchant.secret, rotated.body.secret];
        const grepData = (walExpected: boolean) => {
          const files = filesUnder(home);
          if (walExpected)
            assert.ok(
              files.some((f) => f.endsWith('-wal')),
              `the WAL is there to be searched: ${files.join(', ')}`,
            );
          for (const f of files) {
            const content = readFileSync(f);
            grep(f, content);
            for (const secret of merchantSecrets) assert.ok(!content.includes(secret), `a merchant secret in clear in ${f}`);
          }
          return files;
        };
        // While the service runs (WAL not yet checkpointed) and after it stopped.
        assert.equal(serve.child.exitCode, null, serve.stderr().slice(-2000));
        const files = grepData(true);
        for (const [i, s] of seen.entries()) grep(`answer ${i}`, s);
        for (const cb of merchantServer.callbacks) grep('a callback', cb.body + JSON.stringify(cb.headers));

        // The operator token is kept only as its SHA-256.
        const stored = await withStore(db, (s) => s.getSetting('admin_token_sha256'));
        assert.equal(stored, createHash('sha256').update(serve.token).digest('hex'));
        for (const f of files) assert.ok(!readFileSync(f).includes(serve.token), `the operator token in clear in ${f}`);

        const log = serve.stderr();
        await serve.stop();
        grep('the access log', log.replace(serve.token, ''));
        assert.equal(log.split(serve.token).length - 1, 1, 'the created token is printed exactly once');
        grepData(false);

        // Files holding secrets are private to their owner.
        assert.equal(mode(join(home, 'config.json')), 0o600, 'config file 0600');
        assert.equal(mode(join(home, 'data')) & 0o077, 0, 'data directory closed to others');
        console.log(
          `[reliability] secrets: ${PANS.length} PANs sent ${seen.length} ways; ${files.length} files, the access log and every answer searched: 0 found; operator token stored as SHA-256 only; merchant secrets (registered, rotated) sealed`,
        );
      } finally {
        await serve.stop();
        await merchantServer.close();
        cleanup();
      }
    },
  );
});
