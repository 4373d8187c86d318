import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifySignature } from '../../src/callback/signature.js';
import { registerMerchant, runCli, tempHome } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

/** `esipay merchant update | disable | enable | rotate-secret --expire-previous`, as an operator types them. */
describe('esipay merchant lifecycle commands', () => {
  let home: ReturnType<typeof tempHome>;
  let receiver: Receiver;
  let uuid: string;

  before(async () => {
    home = tempHome();
    receiver = await startReceiver(200);
    uuid = (await registerMerchant(home.home, `${receiver.url}/paid`)).uuid;
  });
  after(async () => {
    await receiver.close();
    home.cleanup();
  });

  const cli = (args: string[]) => runCli(args, { home: home.home });
  const pay = (cid: string) =>
    cli(['pay', '10.00', '--card', '4111111111111111', '--expiry', '12/2035', '--cid', cid, '--merchant', uuid, '--json']);

  it('update changes what is given, the IP made canonical; a bad value exits 2 and changes nothing', async () => {
    const r = await cli([
      'merchant',
      'update',
      uuid,
      '--name',
      'Boutique Neuve',
      '--ip',
      '::ffff:127.0.0.1',
      '--notification-url',
      `${receiver.url}/ipn`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Boutique Neuve/);
    assert.match(r.stdout, /ip {10}127\.0\.0\.1\n/);
    assert.match(r.stdout, /ipn url .*\/ipn/);
    const cleared = await cli(['merchant', 'update', uuid, '--notification-url', '', '--json']);
    assert.equal(cleared.json().notificationUrl, null);

    const bad = await cli(['merchant', 'update', uuid, '--return-url', 'ftp://example.com/x', '--json']);
    assert.equal(bad.code, 2);
    assert.equal(bad.json().error.code, 'invalid_return_url');
    const none = await cli(['merchant', 'update', uuid]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /nothing to change was given \(give at least one of --name, --ip, --return-url, --notification-url\)/);
    assert.equal((await cli(['merchant', 'show', uuid, '--json'])).json().returnUrl, `${receiver.url}/paid`);
  });

  it('disable refuses its payments (exit 3, merchant_disabled) and shows it disabled; its transactions stay listed; enable lifts it', async () => {
    const paid = await pay('cli-life-1');
    assert.equal(paid.code, 0, paid.stderr);

    const disabled = await cli(['merchant', 'disable', uuid]);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, /status {6}disabled since \d{4}-/);
    const list = await cli(['merchant', 'list']);
    assert.match(list.stdout, /STATUS/);
    assert.match(list.stdout, new RegExp(`${uuid} .* disabled `));

    const refused = await pay('cli-life-2');
    assert.equal(refused.code, 3);
    assert.equal(refused.json().error.code, 'merchant_disabled');
    assert.match(refused.json().error.hint, new RegExp(`esipay merchant enable ${uuid}`));
    const refund = await cli(['refund', paid.json().id, '1.00', '--json']);
    assert.equal(refund.code, 3);
    assert.equal(refund.json().error.code, 'merchant_disabled');

    const history = await cli(['tx', 'list', '--merchant', uuid, '--json']);
    assert.equal(history.code, 0, history.stderr);
    assert.deepEqual(
      history.json().items.map((t: { cid: string }) => t.cid),
      ['cli-life-1'],
    );
    assert.equal((await cli(['tx', 'show', paid.json().id, '--json'])).json().status, 'PAID');

    const enabled = await cli(['merchant', 'enable', uuid, '--json']);
    assert.equal(enabled.json().status, 'active');
    assert.equal((await pay('cli-life-3')).json().status, 'PAID');
  });

  it('rotate-secret --expire-previous signs with the new secret only and says the old one stopped working', async () => {
    const r = await cli(['merchant', 'rotate-secret', uuid, '--expire-previous']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /The previous secret no longer works/);
    const secret = /secret +(whsec_\S+)/.exec(r.stdout)![1]!;
    const before = receiver.received.length;
    assert.equal((await pay('cli-life-4')).json().status, 'PAID');
    const header = String(receiver.received[before]!.headers['esipay-signature']);
    assert.equal(header.split(',').filter((p) => p.startsWith('v1=')).length, 1, 'one active secret, one signature');
    assert.ok(verifySignature(receiver.received[before]!.body, header, [secret]).ok);
  });
});
