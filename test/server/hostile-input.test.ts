import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type ServeProcess, startServe } from '../helpers/serve.js';
import { tempSqlite } from '../contract/subjects.js';
import { admin, http, nextYear, registerMerchant } from './http-client.js';

/**
 * Whatever a caller puts in the path, a bad request is a 400 (or 404 off the routes), nothing is
 * stored, no return URL is called, and the access log never shows a card number.
 */
describe('hostile input on the v2 routes', () => {
  let serve: ServeProcess;
  let cleanupDb: () => void;
  let r: Receiver;
  let uuid: string;
  const VISA = '4111111111111111';
  const LUHN_INVALID = '4111111111111112';

  before(async () => {
    const t = tempSqlite();
    cleanupDb = t.cleanup;
    serve = await startServe({ db: t.db });
    r = await startReceiver(200);
    uuid = (await registerMerchant(serve.url, serve.token, `${r.url}/return`)).uuid;
  });
  after(async () => {
    await r.close();
    await serve.stop();
    cleanupDb();
  });

  const pay = (p: { uuid?: string; cid?: string; card?: string; month?: string; year?: string; amount?: string }) =>
    `/cardpay/${p.uuid ?? uuid}/${p.cid ?? 'order-1'}/${p.card ?? VISA}/${p.month ?? '12'}/${p.year ?? nextYear}/${p.amount ?? '10.00'}`;

  const cases: [string, () => string, number, string?][] = [
    ['no parameters', () => '/cardpay', 400, 'invalid_path'],
    ['a trailing slash only', () => '/cardpay/', 400, 'invalid_path'],
    ['one parameter', () => `/cardpay/${uuid}`, 400, 'invalid_path'],
    ['four parameters', () => `/cardpay/${uuid}/order-1/${VISA}/12`, 400, 'invalid_path'],
    ['five parameters', () => `/cardpay/${uuid}/order-1/${VISA}/12/${nextYear}`, 400, 'invalid_path'],
    ['seven parameters', () => `${pay({})}/extra`, 400, 'invalid_path'],
    ['a trailing slash after the amount', () => `${pay({})}/`, 400, 'invalid_path'],
    ['an encoded slash in the cid', () => pay({ cid: 'a%2Fb' }), 400, 'invalid_cid'],
    ['an encoded slash in the card', () => pay({ card: '4111%2F111111111111' }), 400, 'invalid_card_number'],
    ['an encoded ".." as the cid', () => pay({ cid: '%2E%2E' }), 400, 'invalid_cid'],
    ['".." as the cid', () => pay({ cid: '..' }), 400, 'invalid_cid'],
    ['"." as the cid', () => pay({ cid: '.' }), 400, 'invalid_cid'],
    ['".." climbing to the operator API', () => '/cardpay/../admin/merchants', 400, 'unknown_merchant'],
    ['".." as the transaction', () => `/cardpay/${uuid}/..`, 400, 'unknown_transaction'],
    ['an empty cid', () => pay({ cid: '' }), 400, 'invalid_cid'],
    ['an empty uuid', () => pay({ uuid: '' }), 400, 'unknown_merchant'],
    ['an overlong cid', () => pay({ cid: 'c'.repeat(300) }), 400, 'invalid_cid'],
    ['a cid of 65 characters', () => pay({ cid: 'c'.repeat(65) }), 400, 'invalid_cid'],
    ['an overlong amount', () => pay({ amount: '9'.repeat(300) }), 400, 'invalid_amount'],
    ['an overlong uuid', () => pay({ uuid: 'u'.repeat(300) }), 400, 'unknown_merchant'],
    ['bad percent-encoding', () => pay({ cid: '%ZZ' }), 400, 'invalid_cid'],
    ['a NUL byte', () => pay({ cid: 'a%00b' }), 400, 'invalid_cid'],
    ['a newline', () => pay({ cid: 'a%0Ab' }), 400, 'invalid_cid'],
    ['a space in the cid', () => pay({ cid: 'a%20b' }), 400, 'invalid_cid'],
    ['a non-numeric amount', () => pay({ amount: 'abc' }), 400, 'invalid_amount'],
    ['a negative amount', () => pay({ amount: '-5' }), 400, 'invalid_amount'],
    ['a negative amount, encoded', () => pay({ amount: '%2D5' }), 400, 'invalid_amount'],
    ['a zero amount', () => pay({ amount: '0' }), 400, 'invalid_amount'],
    ['an exponent', () => pay({ amount: '1e3' }), 400, 'invalid_amount'],
    ['a comma', () => pay({ amount: '12,50' }), 400, 'invalid_amount'],
    ['three decimals in EUR', () => pay({ amount: '12.505' }), 400, 'invalid_amount'],
    ['two points', () => pay({ amount: '12.5.0' }), 400, 'invalid_amount'],
    ['a plus sign', () => pay({ amount: '+12' }), 400, 'invalid_amount'],
    ['a leading space', () => pay({ amount: '%2012' }), 400, 'invalid_amount'],
    ['hex', () => pay({ amount: '0x10' }), 400, 'invalid_amount'],
    ['Infinity', () => pay({ amount: 'Infinity' }), 400, 'invalid_amount'],
    ['month 13', () => pay({ month: '13' }), 400, 'invalid_card_month'],
    ['month 0', () => pay({ month: '0' }), 400, 'invalid_card_month'],
    ['a word as month', () => pay({ month: 'dec' }), 400, 'invalid_card_month'],
    ['a negative month', () => pay({ month: '-1' }), 400, 'invalid_card_month'],
    ['a three-digit year', () => pay({ year: '203' }), 400, 'invalid_card_year'],
    ['a word as year', () => pay({ year: 'soon' }), 400, 'invalid_card_year'],
    ['an expired card', () => pay({ month: '1', year: '2020' }), 400, 'card_expired'],
    ['a Luhn-invalid card', () => pay({ card: LUHN_INVALID }), 400, 'invalid_card_number'],
    ['a too short card', () => pay({ card: '41111111' }), 400, 'invalid_card_number'],
    ['letters in the card', () => pay({ card: '4111x11111111111' }), 400, 'invalid_card_number'],
    ['a non-numeric refund amount', () => `/cardpay/${uuid}/0123456789abcdef0123456789abcdef/abc`, 400, 'unknown_transaction'],
    ['an unknown route', () => '/cardpayments', 404],
    ['a path off every route', () => '/etc/passwd', 404],
    ['a request target over 2 KB', () => pay({ cid: 'x' }) + '?' + 'q'.repeat(3000), 414],
    ['a path over 2 KB with the card number past the first 2 KB', () => pay({ cid: 'c'.repeat(2100) }), 414],
    ['a wrong segment count with a card number', () => `/cardpay/${uuid}/order-1/${VISA}/12/${nextYear}/10.00/more`, 400, 'invalid_path'],
  ];

  for (const [what, path, status, code] of cases) {
    it(`answers ${status} to ${what}`, async () => {
      const a = await http(serve.url, 'GET', path());
      assert.equal(a.status, status, a.text);
      assert.equal(typeof a.json().error.message, 'string');
      if (code) assert.equal(a.json().error.code, code);
    });
  }

  it('answers 413 to a body over 64 KB', async () => {
    const a = await http(serve.url, 'POST', pay({ cid: 'big-body' }), { body: Buffer.alloc(70 * 1024, 'a') });
    assert.equal(a.status, 413);
  });

  it('stored nothing and called no return URL for any of them', async () => {
    const listed = await admin(serve.url, serve.token, 'GET', `/admin/merchants/${uuid}/transactions`);
    assert.deepEqual(listed.json(), { items: [], next: null });
    assert.equal(r.received.length, 0);
  });

  it('never shows a card number in the access log, valid or not', async () => {
    const ok = await http(serve.url, 'GET', pay({ cid: 'logged' }));
    assert.equal(ok.status, 200);
    const declined = await http(serve.url, 'GET', pay({ cid: 'logged-2', card: '4000000000000002' }));
    assert.equal(declined.status, 400);
    await http(serve.url, 'GET', `/cardpay/${uuid}/${VISA}`);
    await http(serve.url, 'GET', `/cardpay/x/y/5555555555554444/12`);
    await http(serve.url, 'GET', `/nowhere/${VISA}`);
    await serve.waitForStderr(/GET \/nowhere\//);
    const log = serve.stderr();
    for (const pan of [VISA, LUHN_INVALID, '4000000000000002', '5555555555554444', '4111%2F111111111111', '4111x11111111111']) {
      assert.ok(!log.includes(pan), `the log shows ${pan}`);
    }
    assert.match(log, /GET \/cardpay\/[0-9a-f-]{36}\/logged\/411111\*{6}1111\/12\/\d{4}\/10\.00 200 [\d.]+ms 127\.0\.0\.1/);
  });
});
