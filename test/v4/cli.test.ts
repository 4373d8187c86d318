import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerMerchant, runCli, tempHome } from '../helpers/cli.js';

/** esipay shipment init / ship and tx list, through the real binary on the local engine. */
describe('esipay shipment', () => {
  const { home, cleanup } = tempHome();
  let env: Record<string, string>;
  before(async () => {
    const m = await registerMerchant(home, 'http://127.0.0.1:9/return');
    env = { ESIPAY_MERCHANT: m.uuid };
  });
  after(() => cleanup());
  const cli = (args: string[]) => runCli(args, { home, env });

  it('authorises 74.12 EUR, ships 35.00 + 25.00 + 14.12, refuses a fourth shipment, and lists them nested', async () => {
    const init = await cli([
      'shipment',
      'init',
      '74.12',
      '--currency',
      'EUR',
      '--order-id',
      'myOrder-1234',
      '--email',
      'a@b.c',
      '--card',
      '4111111111111111',
      '--expiry',
      '12/2035',
      '--json',
    ]);
    assert.equal(init.code, 0, init.stderr);
    const initial = init.json();
    assert.equal(initial.kind, 'initial');
    assert.equal(initial.status, 'AUTHORISED');
    assert.equal(initial.amount, 7412, 'the decimal became minor units');
    assert.equal(initial.remaining, 7412);
    assert.equal(Date.parse(initial.expiresAt) - Date.parse(initial.createdAt), 180 * 86_400_000);

    const human = await cli(['shipment', 'ship', initial.id, '35.00']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /PAID\s+35\.00 EUR\s+shipment/);
    assert.match(human.stderr, /39\.12 EUR remains to ship/);
    for (const amount of ['25.00', '14.12']) {
      const r = await cli(['shipment', 'ship', initial.id, amount, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json().status, 'PAID');
      assert.equal(r.json().parent, initial.id);
    }
    const fourth = await cli(['shipment', 'ship', initial.id, '0.01', '--json']);
    assert.equal(fourth.code, 2);
    assert.equal(fourth.json().error.code, 'PSP_229');
    assert.match(fourth.stderr, /only 0\.00 EUR remains to ship/);

    const list = await cli(['tx', 'list', '--json']);
    const items = list.json().items as any[];
    const top = items.find((t) => t.id === initial.id);
    assert.deepEqual(
      { amount: top.amount, shipped: top.shipped, remaining: top.remaining, expiresAt: top.expiresAt },
      { amount: 7412, shipped: 7412, remaining: 0, expiresAt: initial.expiresAt },
    );

    // Off a terminal the table is cut at 120 columns: the rows and amounts that fit are checked
    // here, the shipped / to-ship / expiry figures in `tx show` below and in --json above.
    const table = await cli(['tx', 'list']);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0]!, /^DATE\s+ID\s+CID\s+KIND\s+STATUS\s+AMOUNT/);
    const at = lines.findIndex((l) => l.includes(initial.id));
    assert.match(lines[at]!, /myOrder-1234\s+initial\s+AUTHORISED\s+74\.12 EUR/);
    assert.deepEqual(
      lines.slice(at + 1, at + 4).map((l) => (/└ myOrder-1234\s+shipment\s+PAID\s+([\d.]+) EUR/.exec(l) ?? [])[1]),
      ['35.00', '25.00', '14.12'],
      'the shipments, oldest first, right under their initial transaction',
    );
    const show = await cli(['tx', 'show', initial.id]);
    assert.match(show.stdout, /shipped\s+74\.12 EUR/);
    assert.match(show.stdout, /to ship\s+0\.00 EUR/);
    assert.match(show.stdout, new RegExp(`expires\\s+${initial.expiresAt}`));
    assert.equal((show.stdout.match(/shipment\s+[\d.]+ EUR at/g) ?? []).length, 3);
  });

  it('refuses bad amounts and currencies with the V4 codes, recording nothing', async () => {
    const card = ['--card', '4111111111111111', '--expiry', '12/2035'];
    const cases: [string[], string][] = [
      [['shipment', 'init', '74.123', ...card], 'INT_009'],
      [['shipment', 'init', '74,12', ...card], 'INT_009'],
      [['shipment', 'init', '10', '--currency', 'eur', ...card], 'INT_010'],
      [['shipment', 'init', '10', '--currency', 'XYZ', ...card], 'PSP_519'],
      [['shipment', 'init', '10', '--currency', 'USD', ...card], 'PSP_606'],
      [['shipment', 'ship', 'f183418d08df49f3900bbd74ef837816', '10'], 'PSP_229'],
    ];
    const before = (await cli(['tx', 'list', '--json'])).json().items.length;
    for (const [args, code] of cases) {
      const r = await cli([...args, '--json']);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.json().error.code, code, args.join(' '));
    }
    assert.equal((await cli(['tx', 'list', '--json'])).json().items.length, before);
  });

  it('shows a declined card as refused (exit 4) with the transaction recorded', async () => {
    const r = await cli(['shipment', 'init', '10.00', '--card', '4000000000000002', '--expiry', '12/2035', '--json']);
    assert.equal(r.code, 4);
    assert.equal(r.json().error.code, 'card_declined');
    assert.equal(r.json().transaction.status, 'DECLINED');
  });
});
