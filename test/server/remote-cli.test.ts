import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closedUrl, type Receiver, startReceiver } from '../helpers/receiver.js';
import { type CliResult, runCli, tempHome } from '../helpers/cli.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { tempSqlite } from '../contract/subjects.js';

/**
 * The CLI with --engine remote against a real `esipay serve` gives the same results, the same
 * error codes and the same exit codes as with the local engine.
 */
describe('CLI with --engine remote', () => {
  let serve: ServeProcess;
  let r: Receiver;
  let home: string;
  const cleanups: (() => void)[] = [];
  const expiry = `12/${new Date().getUTCFullYear() + 1}`;

  before(async () => {
    const t = tempSqlite();
    cleanups.push(t.cleanup);
    serve = await startServe({ db: t.db, args: ['--quiet'] });
    r = await startReceiver(200);
    const h = tempHome();
    home = h.home;
    cleanups.push(h.cleanup);
  });
  after(async () => {
    await r.close();
    await serve.stop();
    for (const c of cleanups) c();
  });

  const remote = (args: string[], env: Record<string, string> = {}) =>
    runCli(['--engine', 'remote', '--url', serve.url, ...args], { home, env: { ESIPAY_TOKEN: serve.token, ...env } });

  /** The same commands through the local engine, on a database of their own. */
  const localDb = tempSqlite();
  cleanups.push(localDb.cleanup);
  const local = (args: string[]) => runCli(['--db', localDb.db, ...args], { home });

  async function scenario(run: (args: string[]) => Promise<CliResult>): Promise<{ code: number; error?: string; status?: string }[]> {
    const reg = await run(['merchant', 'register', '--name', 'Boutique', '--ip', '127.0.0.1', '--return-url', `${r.url}/ok`, '--json']);
    assert.equal(reg.code, 0, reg.stderr);
    const m = reg.json().uuid as string;
    const pay = await run(['pay', '20.00', '--card', '4111111111111111', '--expiry', expiry, '--cid', 'o-1', '--merchant', m, '--json']);
    assert.equal(pay.code, 0, pay.stderr);
    const tx = pay.json().id as string;
    const steps = [
      ['pay', '20.00', '--card', '4000000000000002', '--expiry', expiry, '--cid', 'o-2', '--merchant', m, '--json'],
      ['pay', '12,50', '--card', '4111111111111111', '--expiry', expiry, '--merchant', m, '--json'],
      ['pay', '10.00', '--card', '4111111111111112', '--expiry', expiry, '--merchant', m, '--json'],
      ['pay', '10.00', '--card', '4000000000000119', '--expiry', expiry, '--merchant', m, '--json'],
      ['pay', '10.00', '--card', '4111111111111111', '--expiry', expiry, '--merchant', '00000000-0000-4000-8000-000000000000', '--json'],
      ['pay', '21.00', '--card', '4111111111111111', '--expiry', expiry, '--cid', 'o-1', '--merchant', m, '--json'],
      ['refund', tx, '5.00', '--json'],
      ['refund', tx, '15.01', '--json'],
      ['refund', tx, '--merchant', m, '--json'],
      ['refund', tx, '--json'],
      ['refund', '0123456789abcdef0123456789abcdef', '--json'],
      ['tx', 'show', tx, '--json'],
      ['tx', 'list', '--merchant', m, '--limit', '0', '--json'],
      ['merchant', 'show', '00000000-0000-4000-8000-000000000000', '--json'],
    ];
    const out: { code: number; error?: string; status?: string }[] = [];
    for (const args of steps) {
      const res = await run(args);
      const doc = res.stdout ? res.json() : {};
      out.push({
        code: res.code,
        ...(doc.error ? { error: doc.error.code } : {}),
        ...((doc.status ?? doc.transaction?.status) ? { status: doc.status ?? doc.transaction?.status } : {}),
      });
    }
    const listed = await run(['tx', 'list', '--merchant', m, '--json']);
    out.push({ code: listed.code, status: (listed.json().items as { status: string }[]).map((t) => t.status).join(',') });
    return out;
  }

  it('gives the same results, error codes and exit codes as the local engine', async () => {
    const viaService = await scenario(remote);
    const inProcess = await scenario(local);
    assert.deepEqual(viaService, inProcess);
    assert.deepEqual(
      viaService.map((s) => s.code),
      [4, 2, 2, 5, 2, 2, 0, 2, 0, 2, 2, 0, 2, 2, 0],
    );
    assert.equal(viaService[0]!.status, 'DECLINED');
  });

  it('exits 5 with a hint naming --url when the service cannot be reached', async () => {
    const url = await closedUrl();
    const res = await runCli(['--engine', 'remote', '--url', url, 'merchant', 'list'], { home, env: { ESIPAY_TOKEN: 'whatever' } });
    assert.equal(res.code, 5);
    assert.match(res.stderr, /cannot reach the esipay service at http:\/\/127\.0\.0\.1:\d+: connection refused/);
    assert.match(res.stderr, /--url/);
  });

  it('exits 3 without the operator token, or with a wrong one', async () => {
    const none = await runCli(['--engine', 'remote', '--url', serve.url, 'merchant', 'list'], { home });
    assert.equal(none.code, 3);
    assert.match(none.stderr, /--token|ESIPAY_TOKEN/);
    const wrong = await remote(['merchant', 'list'], { ESIPAY_TOKEN: 'not-the-operator-token' });
    assert.equal(wrong.code, 3);
  });

  it('exits 2 for a URL that is not one', async () => {
    const res = await runCli(['--engine', 'remote', '--url', 'not a url', 'merchant', 'list'], { home });
    assert.equal(res.code, 2);
  });
});
