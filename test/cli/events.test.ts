import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { BIN, runCli, tempHome } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { tempSqlite } from '../helpers/sqlite.js';
import { createV4Payment } from '../helpers/v4-payment.js';
import { waitUntil } from '../helpers/wait-until.js';

const PAN = '4111111111111111';

/**
 * `esipay events` through the binary, as an operator on call runs it against a real `esipay serve`
 * whose merchant's URL fails: tail shows the IPN and its attempts live, the event dies after the
 * (short) retry horizon, list/show/resend see and requeue it, `tx show` lists it and `verify`
 * warns without failing. No output ever holds the card number.
 */
describe('esipay events', () => {
  let serve: ServeProcess;
  let receiver: Receiver;
  let home: string;
  let db: string;
  const cleanups: (() => void | Promise<unknown>)[] = [];
  const outputs: string[] = [];
  let merchant: { uuid: string; secret: string };

  const remote = () => ['--engine', 'remote', '--url', serve.url, '--token', serve.token];
  const cli = async (args: string[]) => {
    const r = await runCli(args, { home });
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  before(async () => {
    receiver = await startReceiver(500);
    cleanups.push(() => receiver.close());
    const h = tempHome();
    home = h.home;
    cleanups.push(h.cleanup);
    const s = tempSqlite();
    db = s.db;
    cleanups.push(s.cleanup);
    serve = await startServe({
      db,
      args: ['--quiet'],
      // Tried again within a second, dead after two: the 3 days of the default, shrunk.
      env: { ESIPAY_OUTBOX_RETRY_BASE_MS: '200', ESIPAY_OUTBOX_RETRY_MAX_MS: '400', ESIPAY_OUTBOX_RETRY_HORIZON_MS: '2000' },
    });
    cleanups.push(() => serve.stop());
    const r = await cli([
      ...remote(),
      'merchant',
      'register',
      '--name',
      'Shop',
      '--ip',
      '127.0.0.1',
      '--return-url',
      `${receiver.url}/ipn`,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    merchant = r.json();
  });

  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  /** CreatePayment on the V4 API, as the merchant's server calls it: the IPN is queued with it. */
  const v4Payment = () => createV4Payment(serve.url, merchant, { pan: PAN, orderId: 'order-events-1' });

  let tx = '';
  let eventId = '';

  it('tail follows the event and its attempts as they happen, and stops on Ctrl-C with exit 0', async () => {
    const child = spawn(process.execPath, [BIN, ...remote(), 'events', 'tail', '--json', '--interval', '100'], {
      env: { ...cleanEnv(), ESIPAY_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitUntil('tail says it follows', 20_000, () => stderr.includes('following events'));
      tx = await v4Payment();
      await waitUntil('tail printed the event and an attempt', 20_000, () => {
        const lines = stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l));
        return lines.some((l) => l.kind === 'event') && lines.some((l) => l.kind === 'attempt');
      });
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, stderr);
    outputs.push(stdout, stderr);
    const lines = stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const queued = lines.find((l) => l.kind === 'event');
    assert.equal(queued.event.type, 'initial.authorised');
    assert.equal(queued.event.transaction, tx);
    eventId = queued.event.id;
    const attempt = lines.find((l) => l.kind === 'attempt');
    assert.equal(attempt.event.id, eventId);
    assert.equal(attempt.attempt.status, 500);
  });

  it('list shows the event dead once the horizon passed; show gives its payload and every attempt', async () => {
    await waitUntil('the event is dead', 20_000, async () => {
      const r = await cli([...remote(), 'events', 'list', '--status', 'dead', '--json']);
      return r.code === 0 && r.json().items.some((e: { id: string }) => e.id === eventId);
    });
    const table = await cli(['--engine', 'local', '--db', db, 'events', 'list', '--transaction', tx]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /DATE\s+ID\s+TYPE\s+STATUS\s+TRIES/);
    assert.match(table.stdout, new RegExp(`${eventId}\\s+initial\\.authorised\\s+dead`));

    const shown = await cli([...remote(), 'events', 'show', eventId]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /initial\.authorised {2}dead/);
    assert.match(shown.stdout, /History\n {2}\S+ \S+ {2}delivery {3}HTTP 500/);
    assert.match(shown.stdout, /Payload \(application\/x-www-form-urlencoded\)/);
    assert.match(shown.stdout, /esipay events resend/);
    const json = (await cli([...remote(), 'events', 'show', eventId, '--json'])).json();
    assert.ok(json.history.length >= 2);
    assert.ok(json.history.every((a: { status: number; durationMs: number }) => a.status === 500 && a.durationMs >= 0));
    assert.equal(json.payload['kr-answer'].transactions[0].uuid, tx);
  });

  it('tx show lists the transaction events; verify warns of the dead one and exits 0', async () => {
    const shown = await cli([...remote(), 'tx', 'show', tx]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(
      shown.stdout,
      new RegExp(`event\\s+initial\\.authorised {2}dead {2}\\d+ tries {2}the URL answered HTTP 500 {2}\\(${eventId}\\)`),
    );
    assert.equal((await cli([...remote(), 'tx', 'show', tx, '--json'])).json().events[0].id, eventId);

    const verify = await cli(['verify', '--db', db]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /warning: 1 dead event\(s\).*esipay events list --status dead.*esipay events resend ID/);
    assert.match(verify.stdout, /ledger ok/);
  });

  it('resend queues a dead event again; the delivery that follows is recorded', async () => {
    receiver.behaviour = 200;
    const r = await cli([...remote(), 'events', 'resend', eventId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`queued initial\\.authorised ${eventId} again`));
    await waitUntil('the resent event is delivered', 20_000, async () => {
      const e = (await cli([...remote(), 'events', 'show', eventId, '--json'])).json();
      return e.status === 'delivered';
    });
    const e = (await cli([...remote(), 'events', 'show', eventId, '--json'])).json();
    assert.deepEqual(
      e.history.slice(-2).map((a: { kind: string; status: number | null }) => [a.kind, a.status]),
      [
        ['resend', null],
        ['delivery', 200],
      ],
    );
    const unknown = await cli([...remote(), 'events', 'resend', '0123456789abcdef0123456789abcdef']);
    assert.equal(unknown.code, 2, 'an unknown event is invalid input');
    assert.match(unknown.stderr, /no event 0123456789abcdef0123456789abcdef \(check the id with `esipay events list`\)/);
    const bad = await cli([...remote(), 'events', 'list', '--status', 'lost']);
    assert.equal(bad.code, 2, 'a status commander refuses is a usage error');
  });

  it('never prints the card number', () => {
    for (const text of outputs) assert.doesNotMatch(text, new RegExp(PAN));
  });
});

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ESIPAY_') && k !== 'FORCE_COLOR') env[k] = v;
  return env;
}
