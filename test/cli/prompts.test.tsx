import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import type { ReactNode } from 'react';
import { amountField } from '../../src/cli/prompts/amount-field.js';
import { Bound } from '../../src/cli/prompts/Bound.js';
import { cardNumberField } from '../../src/cli/prompts/card-field.js';
import { confirmKeys } from '../../src/cli/prompts/confirm.js';
import { ConfirmPrompt, type Question } from '../../src/cli/prompts/ConfirmPrompt.js';
import { type Outcome, PromptController, type Step } from '../../src/cli/prompts/controller.js';
import { expiryField } from '../../src/cli/prompts/expiry-field.js';
import { linkField, LINE_FORMS } from '../../src/cli/prompts/line-forms.js';
import { type Choice, pickerKeys } from '../../src/cli/prompts/picker.js';
import { PickerPrompt } from '../../src/cli/prompts/PickerPrompt.js';
import { lineField, type TextField, textKeys } from '../../src/cli/prompts/text-field.js';
import { TextPrompt } from '../../src/cli/prompts/TextPrompt.js';
import { KEY, waitFor } from '../tui/helpers.js';

/**
 * Each prompt as a person meets it: keys written to Ink's stdin (one key at a time, or a chunk
 * as a paste delivers it), frames read with lastFrame().
 */
afterEach(() => cleanup());

const CTRL_C = '\x03';
const CTRL_U = '\x15';

function mount<S, T>(controller: PromptController<S, T>, view: (step: Step<S, T>) => ReactNode) {
  const ui = render(<Bound controller={controller} view={view} />);
  const frame = () => ui.lastFrame() ?? '';
  let answered: Outcome<T> | undefined;
  void controller.answer.then((o) => (answered = o));
  return {
    frame,
    /** Keys typed one by one, as a person types them. */
    type: (...keys: string[]) => {
      for (const k of keys) ui.stdin.write(k);
    },
    until: (what: string, test: (f: string) => boolean) => waitFor(what, () => test(frame()), frame),
    answer: controller.answer,
    answered: () => answered,
  };
}

const textPrompt = <T,>(field: TextField<T>) =>
  mount(new PromptController({ text: '' }, textKeys(field)), (step) => <TextPrompt field={field} step={step} />);

/** The frame once the key has been handled: Ink draws after each key. */
async function typed(p: ReturnType<typeof textPrompt>, keys: string, test: (f: string) => boolean, what = keys) {
  p.type(...keys);
  await p.until(what, test);
}

describe('card number prompt', () => {
  it('groups the digits in fours as they are typed, with the brand beside, and a tick once Luhn passes', async () => {
    const p = textPrompt(cardNumberField());
    await typed(p, '411111', (f) => f.includes('4111 11'));
    assert.match(p.frame(), /Card number: 4111 11 +Visa$/m, 'the brand from the first digits, no tick yet');
    await typed(p, '1111111111', (f) => f.includes('4111 1111 1111 1111'));
    assert.match(p.frame(), /4111 1111 1111 1111 +Visa ✓/);
  });

  it('refuses Enter with an inline message until the number passes Luhn, then keeps it masked', async () => {
    const p = textPrompt(cardNumberField());
    await typed(p, '4111111111111112', (f) => f.includes('4111 1111 1111 1112'));
    assert.doesNotMatch(p.frame(), /✓/);
    p.type(KEY.enter);
    await p.until('the refusal', (f) => f.includes('the card number is not valid (Luhn check failed)'));
    assert.equal(p.answered(), undefined, 'Enter did not accept it');

    p.type(KEY.backspace, '1');
    await p.until('the fixed number', (f) => f.includes('Visa ✓'));
    assert.doesNotMatch(p.frame(), /Luhn/, 'the refusal goes once the number changes');
    p.type(KEY.enter);
    assert.deepEqual(await p.answer, { done: true, value: '4111111111111111' });
    await p.until('the final frame', (f) => f.includes('✔'));
    assert.match(p.frame(), /✔ Card number: 4111 11•• •••• 1111$/m);
    assert.ok(!p.frame().includes('4111 1111 1111 1111') && !p.frame().includes('4111111111111111'), p.frame());
  });

  it('refuses a number too short, and takes a pasted number with its spaces and dashes', async () => {
    const short = textPrompt(cardNumberField());
    await typed(short, '41111111111\r', (f) => f.includes('12 to 19 digits'));
    const pasted = textPrompt(cardNumberField());
    pasted.type('5555-5555 5555-4444\r');
    assert.deepEqual(await pasted.answer, { done: true, value: '5555555555554444' });
    await pasted.until('the masked number', (f) => f.includes('5555 55•• •••• 4444'));
  });

  it('names Mastercard and Amex, and masks a 15-digit number to its first 6 and last 4', async () => {
    const mc = textPrompt(cardNumberField());
    await typed(mc, '5555555555554444', (f) => f.includes('Mastercard ✓'));
    const amex = textPrompt(cardNumberField());
    await typed(amex, '378282246310005', (f) => f.includes('Amex ✓'));
    amex.type(KEY.enter);
    await amex.until('the masked number', (f) => f.includes('✔'));
    assert.match(amex.frame(), /3782 82•• •••0 005$/m);
  });

  it('Esc or Ctrl-C cancels (a Ctrl-C in the same read as digits too), and the frame left keeps none of the digits', async () => {
    for (const key of [KEY.escape, CTRL_C, `1${CTRL_C}`]) {
      const p = textPrompt(cardNumberField());
      await typed(p, '41111111', (f) => f.includes('4111 1111'));
      p.type(key);
      assert.deepEqual(await p.answer, { done: false });
      await p.until('the cancelled line', (f) => f.includes('cancelled'));
      assert.doesNotMatch(p.frame(), /\d/, p.frame());
    }
  });
});

describe('expiry prompt', () => {
  const now = () => new Date('2025-06-15T12:00:00Z');

  it('refuses a malformed, impossible or past expiry under the line, and takes MM/YYYY or MM/YY', async () => {
    const p = textPrompt(expiryField(now));
    assert.match(p.frame(), /Expiry \(MM\/YYYY\):/);
    await typed(p, '1230\r', (f) => f.includes('type the expiry as MM/YYYY, such as 12/2030'));
    await typed(p, `${CTRL_U}13/2030\r`, (f) => f.includes('the expiry month must be 1 to 12'));
    await typed(p, `${CTRL_U}05/2025\r`, (f) => f.includes('the card expired at the end of 05/2025'));
    assert.equal(p.answered(), undefined);
    p.type(CTRL_U, '06/25', KEY.enter);
    assert.deepEqual(await p.answer, { done: true, value: { month: '06', year: '25' } }, 'valid through the end of its month');
  });
});

describe('amount prompt', () => {
  it("checks the amount in the currency's own decimals: 2 for EUR, none for JPY, 3 for KWD", async () => {
    const eur = textPrompt(amountField({ label: 'Amount', currency: 'EUR' }));
    assert.match(eur.frame(), /Amount \(EUR, up to 2 decimals\):/);
    await typed(eur, '12.345\r', (f) => f.includes('EUR has at most 2 decimals: "12.345"'));
    await typed(eur, `${CTRL_U}1,50\r`, (f) => f.includes('(use "." as the decimal separator)'));
    eur.type(CTRL_U, '12.3', KEY.enter);
    assert.deepEqual(await eur.answer, { done: true, value: '12.30' });

    const jpy = textPrompt(amountField({ label: 'Amount', currency: 'JPY' }));
    assert.match(jpy.frame(), /Amount \(JPY, no decimals\):/);
    await typed(jpy, '12.5\r', (f) => f.includes('JPY has no decimals: "12.5"'));
    jpy.type(KEY.backspace, KEY.backspace, KEY.enter);
    assert.deepEqual(await jpy.answer, { done: true, value: '12' });

    const kwd = textPrompt(amountField({ label: 'Amount', currency: 'KWD' }));
    await typed(kwd, '1.2345\r', (f) => f.includes('KWD has at most 3 decimals'));
    kwd.type(KEY.backspace, KEY.enter);
    assert.deepEqual(await kwd.answer, { done: true, value: '1.234' });
  });

  it('refuses zero, an empty line, and more than the most it may be', async () => {
    const p = textPrompt(amountField({ label: 'Amount to ship', currency: 'EUR', max: { minor: 7500, what: 'is left to ship' } }));
    await typed(p, '\r', (f) => f.includes('type the amount in EUR'));
    await typed(p, '0\r', (f) => f.includes('the amount must be greater than zero'));
    await typed(p, `${CTRL_U}75.01\r`, (f) => f.includes('75.01 EUR is more than the 75.00 EUR that is left to ship'));
    p.type(KEY.backspace, '0', KEY.enter);
    assert.deepEqual(await p.answer, { done: true, value: '75.00' });
  });
});

describe('line prompts', () => {
  it("hold a payment link's fields to the engine's format, and a merchant's address to an IP", async () => {
    const email = textPrompt(linkField('consumer_email', "Consumer's email"));
    await typed(email, 'buyer@example\r', (f) => f.includes(`"buyer@example" is not the consumer's email`));
    email.type('.com', KEY.enter);
    assert.deepEqual(await email.answer, { done: true, value: 'buyer@example.com' });

    const ip = textPrompt(lineField('Server IP address', 45, LINE_FORMS.ip));
    await typed(ip, '\r', (f) => f.includes('Server IP address is required'));
    await typed(ip, '10.0.0.300\r', (f) => f.includes('"10.0.0.300" is not an IPv4 or IPv6 address'));
    ip.type(CTRL_U, '10.0.0.3', KEY.enter);
    assert.deepEqual(await ip.answer, { done: true, value: '10.0.0.3' });
  });

  it('mask a card number typed where it does not belong in the refusal', async () => {
    const p = textPrompt(lineField('Return URL', 2048, LINE_FORMS.url));
    await typed(p, '4111111111111111\r', (f) => f.includes('is not a URL'));
    assert.match(p.frame(), /"411111\*+1111" is not a URL/);
  });
});

describe('merchant picker', () => {
  const choices: Choice[] = [
    { value: 'a1b2c3d4-0000-4000-8000-000000000001', label: 'Boutique', detail: 'EUR' },
    { value: 'a1b2c3d4-0000-4000-8000-000000000002', label: 'Yen shop', detail: 'JPY' },
    { value: 'a1b2c3d4-0000-4000-8000-000000000003', label: 'Bakery', detail: 'EUR' },
  ];
  const picker = () =>
    mount(new PromptController({ choices, filter: '', selected: 0 }, pickerKeys('merchant')), (step) => (
      <PickerPrompt label="Merchant" step={step} rows={8} />
    ));
  const rows = (f: string) => f.split('\n').filter((l) => l.includes('a1b2c3d4'));

  it('lists the merchants, filters them as the user types, and Enter picks the one selected', async () => {
    const p = picker();
    assert.deepEqual(
      rows(p.frame()).map((l) => l.slice(2, 10)),
      ['Boutique', 'Yen shop', 'Bakery  '],
    );
    assert.match(p.frame(), /3 of 3/);
    p.type('y', 'e', 'n');
    await p.until('the filtered list', (f) => f.includes('1 of 3'));
    assert.deepEqual(rows(p.frame()), ['❯ Yen shop  a1b2c3d4-0000-4000-8000-000000000002  JPY']);
    p.type(KEY.backspace, KEY.backspace, KEY.backspace, 'eur');
    await p.until('the EUR merchants', (f) => f.includes('2 of 3'));
    p.type(KEY.down);
    await p.until('the second selected', (f) => f.includes('❯ Bakery'));
    p.type(KEY.enter);
    assert.deepEqual(await p.answer, { done: true, value: 'a1b2c3d4-0000-4000-8000-000000000003' });
    await p.until('the choice', (f) => f.includes('✔'));
    assert.equal(p.frame().trim(), '✔ Merchant: Bakery a1b2c3d4-0000-4000-8000-000000000003');
  });

  it('says when nothing matches and keeps asking; Esc cancels', async () => {
    const p = picker();
    p.type('zzz', KEY.enter);
    await p.until('the refusal', (f) => f.includes('no merchant matches "zzz"'));
    assert.match(p.frame(), /0 of 3/);
    assert.equal(p.answered(), undefined);
    p.type(KEY.escape);
    assert.deepEqual(await p.answer, { done: false });
  });
});

describe('refund confirmation', () => {
  const question: Question = { text: 'Refund 20.00 EUR on tx-1? Remaining after:', emphasis: '54.12 EUR' };
  const confirmation = () =>
    mount(new PromptController<null, boolean>(null, confirmKeys), (step) => <ConfirmPrompt question={question} step={step} />);

  it('shows the amount and what remains after it; Enter does not confirm', async () => {
    const p = confirmation();
    assert.match(p.frame(), /\? Refund 20\.00 EUR on tx-1\? Remaining after: 54\.12 EUR \[y\/N\]/);
    p.type(KEY.enter);
    assert.deepEqual(await p.answer, { done: true, value: false });
    await p.until('the answer', (f) => f.includes('[y/N] no'));
  });

  it('only y or Y confirms; n and Esc say no; other keys do nothing', async () => {
    for (const [key, yes] of [
      ['y', true],
      ['Y', true],
      ['n', false],
      [KEY.escape, false],
    ] as const) {
      const p = confirmation();
      p.type('x', ' ', key);
      assert.deepEqual(await p.answer, { done: true, value: yes }, `after ${JSON.stringify(key)}`);
      await p.until('the answer', (f) => f.includes(yes ? '[y/N] yes' : '[y/N] no'));
    }
  });
});
