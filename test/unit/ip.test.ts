import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EsipayError } from '../../src/domain/errors.js';
import { canonicalIp, inCidr, isValidCidr, isValidIp, normalizeIp, sameIp } from '../../src/util/ip.js';

describe('canonicalIp', () => {
  const forms: [string, [string, string][]][] = [
    [
      'keeps IPv4 in dotted decimal',
      [
        ['127.0.0.1', '127.0.0.1'],
        [' 203.0.113.7 ', '203.0.113.7'],
      ],
    ],
    [
      'writes IPv6 compressed and lower-case, whichever way it was typed',
      [
        ['0:0:0:0:0:0:0:1', '::1'],
        ['::1', '::1'],
        ['2001:DB8:0:0:0:0:0:7', '2001:db8::7'],
        ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
        ['fe80::0001', 'fe80::1'],
      ],
    ],
    [
      'writes an IPv4-mapped IPv6 address as its IPv4 address, dotted or in hex',
      [
        ['::ffff:10.1.2.3', '10.1.2.3'],
        ['::FFFF:a01:203', '10.1.2.3'],
        ['0:0:0:0:0:ffff:7f00:1', '127.0.0.1'],
      ],
    ],
  ];
  for (const [title, cases] of forms) {
    it(title, () => {
      for (const [typed, canonical] of cases) assert.equal(canonicalIp(typed), canonical, typed);
    });
  }

  it('refuses a zone id, saying so', () => {
    assert.throws(
      () => canonicalIp('fe80::1%eth0'),
      (e: unknown) => e instanceof EsipayError && e.code === 'invalid_ip' && /zone id \(%eth0\)/.test(e.message) && e.kind === 'invalid',
    );
  });

  it('refuses garbage with a clear error and a next step', () => {
    for (const text of [
      '',
      'localhost',
      '1.2.3',
      '010.1.1.1',
      '256.1.1.1',
      '[::1]',
      '1:2:3:4:5:6:7:8:9',
      '10.0.0.0/8',
      '::ffff:1.2.3.4.5',
    ]) {
      assert.throws(
        () => canonicalIp(text),
        (e: unknown) =>
          e instanceof EsipayError &&
          e.code === 'invalid_ip' &&
          e.message === `"${text}" is not an IPv4 or IPv6 address` &&
          /such as 203\.0\.113\.7/.test(e.hint ?? ''),
        text,
      );
      assert.equal(isValidIp(text), false, text);
    }
  });
});

/** Rows of [address, other, expected] for a two-argument predicate. */
function expectAll(fn: (a: string, b: string) => boolean, rows: [string, string, boolean][]): void {
  for (const [a, b, expected] of rows) assert.equal(fn(a, b), expected, `${fn.name}(${a}, ${b})`);
}

describe('sameIp', () => {
  it('matches the spellings of one address', () => {
    expectAll(sameIp, [
      ['::1', '0:0:0:0:0:0:0:1', true],
      ['::ffff:10.1.2.3', '10.1.2.3', true],
      ['10.1.2.3', '::ffff:a01:203', true],
      ['2001:DB8::7', '2001:db8:0:0:0:0:0:7', true],
    ]);
  });

  it('tells different addresses apart, and an invalid one matches nothing, not even itself', () => {
    expectAll(sameIp, [
      ['::1', '127.0.0.1', false],
      ['10.1.2.3', '10.1.2.4', false],
      ['garbage', 'garbage', false],
      ['fe80::1%eth0', 'fe80::1%eth0', false],
    ]);
  });
});

describe('normalizeIp', () => {
  it('is the canonical form of a valid address and the trimmed lower-case text of anything else', () => {
    assert.equal(normalizeIp('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(normalizeIp('0:0:0:0:0:0:0:1'), '::1');
    assert.equal(normalizeIp(' Garbage '), 'garbage');
  });
});

describe('inCidr', () => {
  it('matches IPv4 ranges, IPv4-mapped callers included', () => {
    expectAll(inCidr, [
      ['10.1.2.3', '10.0.0.0/8', true],
      ['::ffff:10.1.2.3', '10.0.0.0/8', true],
      ['::ffff:a01:203', '10.0.0.0/8', true],
      ['10.1.2.3', '::ffff:10.0.0.0/104', true],
      ['11.0.0.1', '10.0.0.0/8', false],
      ['::ffff:11.0.0.1', '10.0.0.0/8', false],
    ]);
  });

  it('matches IPv6 ranges and bare addresses in any spelling', () => {
    expectAll(inCidr, [
      ['2001:db8::5', '2001:DB8::/32', true],
      ['2001:db9::5', '2001:db8::/32', false],
      ['0:0:0:0:0:0:0:1', '::1', true],
      ['::1', '::1/128', true],
      ['10.0.0.7', '10.0.0.7', true],
      ['10.0.0.8', '10.0.0.7', false],
    ]);
  });

  it('matches nothing with an invalid address or range', () => {
    expectAll(inCidr, [
      ['garbage', '10.0.0.0/8', false],
      ['10.1.2.3', '10.0.0.0/33', false],
      ['10.1.2.3', 'garbage', false],
    ]);
  });
});

describe('isValidCidr', () => {
  it('accepts addresses and ranges, refuses the rest', () => {
    for (const ok of ['10.0.0.0/8', '10.0.0.7', '0.0.0.0/0', '::/0', '::1/128', '2001:db8::/32', '::ffff:10.0.0.0/104'])
      assert.ok(isValidCidr(ok), ok);
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/x', 'fe80::1%eth0/64', 'garbage', ''])
      assert.equal(isValidCidr(bad), false, bad);
  });
});
