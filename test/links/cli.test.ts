import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registerMerchant, runCli, tempHome } from '../helpers/cli.js';
import { type LinkService, startLinkService } from './service.js';

/** `esipay link create|list|show`, on the local engine and through a service (remote engine). */
const CREATE = ['--consumer-reference', 'c-42', '--email', 'a@b.fr', '--phone', '0600000000', '--callback-url', 'https://shop.example/cb'];

describe('esipay link', () => {
  let home: { home: string; cleanup: () => void };
  let db: string;
  let merchant: string;

  before(async () => {
    home = tempHome();
    db = join(home.home, 'esipay.db');
    merchant = (await registerMerchant(home.home, 'http://127.0.0.1:9/r', ['--db', db])).uuid;
  });
  after(() => home?.cleanup());

  const cli = (args: string[]) =>
    runCli([...args, '--db', db, '--merchant', merchant], { home: home.home, env: { ESIPAY_PUBLIC_URL: 'https://pay.example' } });

  it('creates a link and prints it, then lists and shows it as open', async () => {
    const created = await cli(['link', 'create', '100.00', '--payment-reference', 'Facture31102019', ...CREATE]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout.trim(), /^https:\/\/pay\.example\/paypage\?SDESSID=[A-Za-z0-9_-]{43}$/);
    assert.match(created.stderr, /100\.00 EUR pay_now/);

    const json = await cli([
      'link',
      'create',
      '250.50',
      '--payment-reference',
      'Facture2',
      '--mode',
      'multi_pay',
      '--scenario',
      '4x',
      '--json',
      ...CREATE,
    ]);
    assert.equal(json.code, 0, json.stderr);
    const view = json.json();
    assert.equal(view.amount, 25050);
    assert.equal(view.mode, 'multi_pay');
    assert.equal(view.state, 'open');
    assert.match(view.link, /SDESSID=/);

    const list = await cli(['link', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /Facture31102019 .*pay_now .*100\.00 EUR\s+open/);
    assert.match(list.stdout, /Facture2 .*multi_pay .*250\.50 EUR\s+open/);

    const shown = await cli(['link', 'show', view.id, '--json']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(shown.json().state, 'open');
    assert.equal(shown.json().link, null, 'the link cannot be shown again: only its hash is kept');
  });

  it('refuses what get_link_payment refuses, with the same codes and exit code 2', async () => {
    const again = await cli(['link', 'create', '1.00', '--payment-reference', 'Facture31102019', '--json', ...CREATE]);
    assert.equal(again.code, 2);
    assert.equal(again.json().error.code, 'EXIST_001');
    const badEmail = await cli([
      'link',
      'create',
      '1.00',
      '--payment-reference',
      'x-1',
      ...CREATE.map((a) => (a === 'a@b.fr' ? 'nobody' : a)),
      '--json',
    ]);
    assert.equal(badEmail.json().error.code, 'INVALID_014');
    const badAmount = await cli(['link', 'create', '1,00', '--payment-reference', 'x-2', ...CREATE]);
    assert.equal(badAmount.code, 2);
    assert.match(badAmount.stderr, /decimal/);
    const unknown = await cli(['link', 'show', 'f'.repeat(32), '--json']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.json().error.code, 'LINK_001');
  });

  describe('on the remote engine', () => {
    let svc: LinkService;
    before(async () => {
      svc = await startLinkService();
    });
    after(async () => svc?.close());

    it('creates, lists and shows links through the service', async () => {
      const m = await svc.merchant();
      const remote = (args: string[]) =>
        runCli([...args, '--engine', 'remote', '--url', svc.url, '--token', svc.serve.token, '--merchant', m.uuid], { home: home.home });
      const created = await remote(['link', 'create', '12.34', '--payment-reference', 'R-1', '--mode', 'pay_later', '--json', ...CREATE]);
      assert.equal(created.code, 0, created.stderr);
      const view = created.json();
      assert.ok(view.link.startsWith(`${svc.url}/paypage?SDESSID=`));
      assert.equal(view.mode, 'pay_later');
      const list = await remote(['link', 'list', '--json']);
      assert.deepEqual(
        list.json().items.map((l: { id: string; state: string }) => [l.id, l.state]),
        [[view.id, 'open']],
      );
      const shown = await remote(['link', 'show', view.id]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /open\s+12\.34 EUR\s+pay_later/);
    });
  });
});
