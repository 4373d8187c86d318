import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { registerMerchant, runCli, tempHome } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { openTerminal, type Terminal } from '../helpers/terminal/index.js';

const PAN = '4111111111111111';
/** The full number, in either form it could take on the screen. */
const showsFullNumber = (text: string) => text.includes(PAN) || text.includes('4111 1111 1111 1111');

/**
 * The prompts in a real terminal (tmux, or a pty without it: test/helpers/terminal/): a person types the card and its expiry, and confirms
 * (or not) a refund. What the terminal holds afterwards, scrollback included, is read back.
 */
describe('esipay prompts in a terminal', () => {
  let home: ReturnType<typeof tempHome>;
  let receiver: Receiver;
  let merchant: string;
  let paid: string;
  let terminal: Terminal | undefined;

  before(async () => {
    home = tempHome();
    receiver = await startReceiver(200);
    merchant = (await registerMerchant(home.home, `${receiver.url}/paid`)).uuid;
  });
  afterEach(() => terminal?.close());
  after(async () => {
    await receiver.close();
    home.cleanup();
  });

  it('esipay pay 12.34 --merchant M asks for the card and its expiry, pays, and never shows the full number after Enter', async () => {
    terminal = openTerminal(['pay', '12.34', '--merchant', merchant], { home: home.home, name: 'pay' });
    const t = terminal;
    await t.waitFor('the card prompt', (s) => s.includes('Card number:'));
    t.type(PAN);
    const typing = await t.waitFor('the number typed', (s) => s.includes('Visa ✓'));
    assert.match(typing, /Card number: 4111 1111 1111 1111 +Visa ✓/, 'the digits show as they are typed, grouped');

    t.press('Enter');
    // From the frame that answers the Enter on, no screen shows the number, and neither does the scrollback.
    await t.waitFor('the card accepted', (s) => s.includes('✔ Card number'));
    const never = (s: string) => assert.ok(!showsFullNumber(s), `the terminal shows the card number after Enter:\n${s}`);
    await t.waitFor('the expiry prompt', (s) => s.includes('Expiry (MM/YYYY):'), never);
    const afterCard = t.history();
    never(afterCard);
    assert.match(afterCard, /✔ Card number: 4111 11.. .... 1111/, 'the final frame shows it masked');

    t.type('12/2030');
    t.press('Enter');
    assert.equal(await t.exited(), 0, t.history());
    const end = t.history();
    never(end);
    assert.match(end, /PAID {2}12\.34 EUR/);

    const list = await runCli(['tx', 'list', '--merchant', merchant, '--json'], { home: home.home });
    const tx = list.json().items[0];
    assert.deepEqual([tx.status, tx.amount, tx.card.first6, tx.card.last4], ['PAID', 1234, '411111', '1111']);
    paid = tx.id;
  });

  it('esipay refund asks first with what remains after it: Enter cancels (exit 6, nothing refunded), y refunds', async () => {
    terminal = openTerminal(['refund', paid], { home: home.home, name: 'refund-enter' });
    const asked = await terminal.waitFor('the confirmation', (s) => s.includes('[y/N]'));
    assert.match(asked, new RegExp(`Refund all that remains, 12\\.34 EUR, on ${paid}\\? Remaining after: 0\\.00 EUR \\[y/N\\]`));
    terminal.press('Enter');
    assert.equal(await terminal.exited(), 6);
    assert.match(terminal.history(), /refund cancelled: nothing was refunded/);
    assert.equal((await runCli(['tx', 'show', paid, '--json'], { home: home.home })).json().remaining, 1234);
    terminal.close();

    terminal = openTerminal(['refund', paid, '2.34'], { home: home.home, name: 'refund-yes' });
    await terminal.waitFor('the confirmation', (s) => s.includes('Refund 2.34 EUR') && s.includes('Remaining after: 10.00 EUR'));
    terminal.type('y');
    assert.equal(await terminal.exited(), 0, terminal.history());
    assert.equal((await runCli(['tx', 'show', paid, '--json'], { home: home.home })).json().remaining, 1000);
  });

  it('esipay link create with no merchant set: pick one and keep it, then the amount and each field are asked for', async () => {
    terminal = openTerminal(['link', 'create'], { home: home.home, name: 'link' });
    const t = terminal;
    await t.waitFor('the merchant picker', (s) => s.includes(merchant) && s.includes('1 of 1'));
    t.type('bout');
    t.press('Enter');
    await t.waitFor('the offer to keep it', (s) => s.includes('Keep it as the default merchant'));
    t.type('y');
    await t.waitFor('the amount', (s) => s.includes('Amount (EUR, up to 2 decimals):'));
    t.type('9.999');
    t.press('Enter');
    await t.waitFor('the refusal', (s) => s.includes('EUR has at most 2 decimals: "9.999"'));
    t.press('BSpace', 'Enter');
    for (const [label, answer] of [
      ['Payment reference', 'inv-tmux-1'],
      ["Consumer's reference", 'c-1'],
      ["Consumer's email", 'buyer@example.com'],
      ["Consumer's mobile number", '+33 6 00 00 00 00'],
      ['Callback URL', `${receiver.url}/link`],
    ] as const) {
      await t.waitFor(label, (s) => s.includes(`? ${label}:`));
      t.type(answer);
      t.press('Enter');
    }
    assert.equal(await t.exited(), 0, t.history());
    assert.match(t.history(), /9\.99 EUR pay_now, link /);
    assert.equal((await runCli(['config', 'get', 'merchant'], { home: home.home })).stdout.trim(), merchant);
    const links = (await runCli(['link', 'list', '--json'], { home: home.home })).json().items;
    assert.deepEqual(
      links.map((l: { paymentReference: string; amount: number }) => [l.paymentReference, l.amount]),
      [['inv-tmux-1', 999]],
    );
  });
});
