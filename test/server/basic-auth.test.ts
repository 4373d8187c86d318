import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MerchantRecord } from '../../src/domain/types.js';
import { authenticateBasic, MAX_AUTHORIZATION_LENGTH } from '../../src/server/basic-auth.js';

/** The one HTTP Basic check of the V4 API and get_link_payment, over a merchant with two active secrets. */
const UUID = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';
const merchant = { id: UUID, secrets: ['whsec_???~~~', 'whsec_previous'] } as unknown as MerchantRecord;
const find = async (uuid: string) => (uuid === UUID ? merchant : undefined);
const basic = (creds: string, encoding: BufferEncoding = 'base64') => `Basic ${Buffer.from(creds).toString(encoding)}`;
const problemOf = async (header: string | undefined) => {
  const r = await authenticateBasic(header, find);
  return r.ok ? 'ok' : r.problem;
};

describe('HTTP Basic authentication of a merchant', () => {
  it('accepts the uuid with any of its active secrets, in standard base64', async () => {
    assert.equal(await problemOf(basic(`${UUID}:whsec_???~~~`)), 'ok');
    assert.equal(await problemOf(basic(`${UUID}:whsec_previous`)), 'ok');
    assert.equal(await problemOf(`basic   ${Buffer.from(`${UUID}:whsec_previous`).toString('base64')}`), 'ok', 'the scheme in any case');
  });

  it('refuses the base64url spelling of the same credentials', async () => {
    const url = basic(`${UUID}:whsec_???~~~`, 'base64url');
    assert.match(url, /[-_]/, 'the credentials differ between the two alphabets');
    assert.equal(await problemOf(url), 'missing');
  });

  it(`refuses a header longer than ${MAX_AUTHORIZATION_LENGTH} characters before decoding it, even with the right secret`, async () => {
    const padded = `Basic${' '.repeat(MAX_AUTHORIZATION_LENGTH)}${Buffer.from(`${UUID}:whsec_previous`).toString('base64')}`;
    assert.equal(await problemOf(padded), 'missing');
  });

  it('tells no credentials, no colon, an empty part and wrong credentials apart', async () => {
    assert.equal(await problemOf(undefined), 'missing');
    assert.equal(await problemOf('Bearer abc'), 'missing');
    assert.equal(await problemOf(basic(`${UUID}whsec_previous`)), 'no_colon');
    assert.equal(await problemOf(basic(`${UUID}:`)), 'empty');
    assert.equal(await problemOf(basic(':whsec_previous')), 'empty');
    assert.equal(await problemOf(basic(`${UUID}:whsec_wrong`)), 'rejected');
    assert.equal(await problemOf(basic('00000000-0000-4000-8000-000000000000:whsec_previous')), 'rejected');
    assert.equal(await problemOf(basic('not-a-uuid:whsec_previous')), 'rejected');
  });
});
