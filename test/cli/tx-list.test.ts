import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TransactionView } from '../../src/domain/types.js';
import { registerMerchant, runCli, tempHome } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';

/** `esipay tx list`'s filters through the binary: what they keep, and the values they refuse. */
describe('esipay tx list --status --since --until --cid', () => {
  let receiver: Receiver;
  let home: ReturnType<typeof tempHome>;
  let merchant: string;
  let paid: TransactionView[];
  const cli = (args: string[]) => runCli(args, { home: home.home, env: { ESIPAY_MERCHANT: merchant } });
  const ids = async (args: string[]) => {
    const r = await cli(['tx', 'list', ...args, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return (r.json().items as TransactionView[]).map((t) => t.id);
  };

  before(async () => {
    receiver = await startReceiver(200);
    home = tempHome();
    merchant = (await registerMerchant(home.home, `${receiver.url}/paid`)).uuid;
    paid = [];
    for (const [i, card] of ['4111111111111111', '4000000000000002', '5555555555554444'].entries()) {
      const r = await cli(['pay', `${i + 1}.00`, '--card', card, '--expiry', '12/2030', '--cid', `list-${i + 1}`, '--json']);
      paid.push(r.json().transaction ?? r.json());
    }
    await cli(['refund', paid[2]!.id, '1.00']);
  });
  after(async () => {
    await receiver.close();
    home.cleanup();
  });

  it('keeps only the statuses, times and reference asked for', async () => {
    const [first, declined, third] = paid as [TransactionView, TransactionView, TransactionView];
    assert.deepEqual(await ids(['--status', 'PAID']), [first.id]);
    assert.deepEqual(await ids(['--status', 'declined,partially_refunded']), [third.id, declined.id]);
    assert.deepEqual(await ids(['--cid', 'list-2']), [declined.id]);
    assert.deepEqual(
      await ids(['--since', declined.createdAt, '--until', third.createdAt]),
      declined.createdAt < third.createdAt ? [declined.id] : [],
    );
    assert.deepEqual(await ids(['--since', '2000-01-01', '--kind', 'card', '--limit', '1', '--all']), [third.id, declined.id, first.id]);
    assert.deepEqual(await ids(['--until', '2000-01-01T00:00:00+01:00']), []);
  });

  it('refuses an unknown value or an unusable cursor with exit 2 and one line naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['--kind', 'cards'], /^error: unknown --kind "cards": use card, initial, shipment or link\n$/],
      [['--kind', 'card,'], /^error: --kind has an empty value: use card, initial, shipment or link\n$/],
      [
        ['--status', 'SETTLED'],
        /^error: unknown --status "SETTLED": use PENDING, PAID, PARTIALLY_REFUNDED, REFUNDED, AUTHORISED, EXPIRED, DECLINED, FAILED or CANCELLED\n$/,
      ],
      [
        ['--since', 'last week'],
        /^error: --since "last week" is not a date: use YYYY-MM-DD or an ISO 8601 time such as 2024-05-01T12:00:00Z\n$/,
      ],
      [['--until', '2024-13-01'], /^error: --until "2024-13-01" is not a date/],
      [
        ['--since', '2024-06-01', '--until', '2024-05-01'],
        /^error: --since 2024-06-01T00:00:00.000Z is not before --until 2024-05-01T00:00:00.000Z/,
      ],
      [['--cid', ''], /^error: --cid is empty/],
      [['--cursor', ''], /^error: --cursor "" is not a cursor esipay gave/],
      [['--cursor', 'bogus'], /^error: --cursor "bogus" is not a cursor esipay gave/],
      [['--cursor', Buffer.from('2024-01-01|x').toString('base64url')], /^error: --cursor "MjAyNC0wMS0wMXx4" is not a cursor esipay gave/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(['tx', 'list', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1);
      assert.equal(r.stdout, '');
    }
    const json = await cli(['tx', 'list', '--cursor', 'bogus', '--json']);
    assert.equal(json.code, 2);
    assert.equal(json.json().error.code, 'invalid_cursor');
  });

  it('takes the cursor a filtered page printed to the next filtered page', async () => {
    const first = await cli(['tx', 'list', '--kind', 'card', '--limit', '2', '--json']);
    const next = first.json().next as string;
    assert.ok(next);
    assert.deepEqual(await ids(['--kind', 'card', '--limit', '2', '--cursor', next]), [paid[0]!.id]);
  });
});
