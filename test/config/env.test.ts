import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEnvFor, ENV_NAMES, ENV_VARS, type EnvName, envProblem, envText, readEnv } from '../../src/config/env.js';
import { defaultDbPath, esipayHome } from '../../src/config/paths.js';
import { EsipayError, exitCodeOf } from '../../src/domain/errors.js';
import { backoffFromEnv, DEFAULT_BACKOFF } from '../../src/outbox/backoff.js';

const KEY = 'ab'.repeat(32);

/** For every variable: values it takes (with what they mean) and values it refuses. */
const CASES: Record<EnvName, { valid: [string, unknown][]; invalid: string[] }> = {
  ESIPAY_HOME: {
    valid: [
      ['/srv/esipay', '/srv/esipay'],
      ['relative/dir', 'relative/dir'],
    ],
    invalid: [],
  },
  ESIPAY_ENGINE: {
    valid: [
      ['local', 'local'],
      ['remote', 'remote'],
    ],
    invalid: ['Local', 'sqlite', ' local'],
  },
  ESIPAY_DB: {
    valid: [
      ['./esipay.db', './esipay.db'],
      ['postgres://esipay:pw@db/esipay', 'postgres://esipay:pw@db/esipay'],
    ],
    invalid: [],
  },
  ESIPAY_URL: {
    valid: [
      ['http://127.0.0.1:6543', 'http://127.0.0.1:6543'],
      ['https://pay.example/base/', 'https://pay.example/base/'],
    ],
    invalid: ['127.0.0.1:6543', 'ftp://pay.example', 'http://'],
  },
  ESIPAY_TOKEN: { valid: [['any token', 'any token']], invalid: [] },
  ESIPAY_MERCHANT: { valid: [['0b0e8a4e-6a4f-4a5e-9b38-1d2f2c3b4a5d', '0b0e8a4e-6a4f-4a5e-9b38-1d2f2c3b4a5d']], invalid: [] },
  ESIPAY_CALLBACK_TIMEOUT_MS: {
    valid: [
      ['1', 1],
      ['300', 300],
      ['600000', 600_000],
    ],
    invalid: ['0', '600001', 'abc', '1.5', '-5', '1e3'],
  },
  ESIPAY_PUBLIC_URL: { valid: [['https://pay.example', 'https://pay.example']], invalid: ['pay.example', 'ftp://x'] },
  ESIPAY_CARD_KEY: {
    valid: [
      [KEY, KEY],
      [KEY.toUpperCase(), KEY.toUpperCase()],
    ],
    invalid: ['abc', KEY.slice(1), `${KEY.slice(1)}g`],
  },
  ESIPAY_SECRET_KEY: {
    valid: [
      [KEY, KEY],
      [KEY.toUpperCase(), KEY.toUpperCase()],
    ],
    invalid: ['abc', KEY.slice(1), `${KEY.slice(1)}g`],
  },
  ESIPAY_ADMIN_TOKEN: { valid: [['a-long-enough-token', 'a-long-enough-token']], invalid: ['short', '15-characters..'] },
  ESIPAY_LISTEN_SECRET: {
    valid: [
      ['whsec_a', ['whsec_a']],
      ['whsec_a,whsec_b', ['whsec_a', 'whsec_b']],
    ],
    invalid: [],
  },
  ESIPAY_DRAIN_MS: {
    valid: [
      ['0', 0],
      ['5000', 5000],
    ],
    invalid: ['abc', '-1', '600001', '1.5'],
  },
  ESIPAY_LOG_FORMAT: {
    valid: [
      ['text', 'text'],
      ['json', 'json'],
    ],
    invalid: ['JSON', 'yaml', 'pretty'],
  },
  ESIPAY_PG_POOL_MAX: {
    valid: [
      ['1', 1],
      ['10', 10],
      ['1000', 1000],
    ],
    invalid: ['abc', '0', '1001', '2.5', '-1', ' 10'],
  },
  ESIPAY_PG_CONNECT_TIMEOUT_MS: {
    valid: [
      ['1', 1],
      ['5000', 5000],
    ],
    invalid: ['abc', '0', '600001'],
  },
  ESIPAY_PG_QUERY_TIMEOUT_MS: {
    valid: [
      ['1', 1],
      ['60000', 60000],
      ['3600000', 3600000],
    ],
    invalid: ['abc', '0', '-5', '3600001', '1.5'],
  },
  ESIPAY_PG_PREPARE: {
    valid: [
      ['on', 'on'],
      ['off', 'off'],
    ],
    invalid: ['yes', 'ON'],
  },
  ESIPAY_SQLITE_SYNC: {
    valid: [
      ['NORMAL', 'NORMAL'],
      ['FULL', 'FULL'],
    ],
    invalid: ['full', 'OFF', 'EXTRA'],
  },
  ESIPAY_SMTP_URL: {
    valid: [
      ['smtp://user:pw@mail.example:587', 'smtp://user:pw@mail.example:587'],
      ['smtps://mail.example', 'smtps://mail.example'],
    ],
    invalid: ['mail.example:587', 'http://mail.example'],
  },
  ESIPAY_SMTP_FROM: { valid: [['Boutique <pay@shop.example>', 'Boutique <pay@shop.example>']], invalid: [] },
  ESIPAY_SMS_URL: { valid: [['https://sms.example/send', 'https://sms.example/send']], invalid: ['sms.example', 'smtp://sms.example'] },
  ESIPAY_OUTBOX_RETRY_BASE_MS: {
    valid: [
      ['1', 1],
      ['200', 200],
      ['86400000', 86_400_000],
    ],
    invalid: ['abc', '0', '86400001', '-5'],
  },
  ESIPAY_OUTBOX_RETRY_MAX_MS: {
    valid: [['1000', 1000]],
    invalid: ['abc', '0', '86400001'],
  },
  ESIPAY_ACQUIRER_TIMEOUT_MS: {
    valid: [
      ['1', 1],
      ['30000', 30_000],
    ],
    invalid: ['abc', '0', '600001', '1.5'],
  },
  ESIPAY_ABANDON_GRACE_MS: {
    valid: [
      ['0', 0],
      ['500', 500],
    ],
    invalid: ['abc', '-1', '3600001'],
  },
  ESIPAY_SIMULATOR_DELAY_MS: {
    valid: [
      ['0', 0],
      ['300', 300],
    ],
    invalid: ['abc', '-1', '600001'],
  },
  ESIPAY_OUTBOX_RETRY_HORIZON_MS: {
    valid: [
      ['60000', 60_000],
      ['259200000', 259_200_000],
    ],
    invalid: ['abc', '0', '3d', '31536000001'],
  },
};

function refusal(fn: () => unknown): EsipayError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof EsipayError, `not an EsipayError: ${String(e)}`);
    return e;
  }
  assert.fail('accepted');
}

describe('ESIPAY_* variables (src/config/env.ts)', () => {
  it('has cases here for every declared variable', () => {
    assert.deepEqual(Object.keys(CASES).sort(), [...ENV_NAMES].sort());
  });

  for (const name of ENV_NAMES) {
    const { valid, invalid } = CASES[name];
    it(`${name}: takes its valid forms, refuses the others with its name, falls back when unset`, () => {
      for (const [text, value] of valid) {
        assert.deepEqual(readEnv(name, { [name]: text }), value, text);
        assert.equal(envText(name, { [name]: text }), text);
        assert.equal(envProblem(name, { [name]: text }), undefined);
      }
      for (const text of invalid) {
        const e = refusal(() => readEnv(name, { [name]: text }));
        assert.equal(e.kind, 'invalid');
        assert.equal(exitCodeOf(e.kind), 2);
        assert.equal(e.code, 'invalid_env');
        assert.ok(e.message.startsWith(`${name} must be ${ENV_VARS[name].accepts}`), e.message);
        assert.doesNotMatch(e.message, /\n/);
        assert.equal(refusal(() => envText(name, { [name]: text })).message, e.message);
        assert.equal(envProblem(name, { [name]: text }), e.message);
      }
      const fallback = ENV_VARS[name].fallback;
      assert.deepEqual(readEnv(name, {}), fallback);
      assert.deepEqual(readEnv(name, { [name]: '' }), fallback, 'empty is unset');
      assert.equal(envText(name, {}), undefined);
    });
  }

  it('quotes a bad value in the message, but never a secret', () => {
    assert.equal(
      refusal(() => readEnv('ESIPAY_PG_POOL_MAX', { ESIPAY_PG_POOL_MAX: 'abc' })).message,
      'ESIPAY_PG_POOL_MAX must be a whole number from 1 to 1000 (got "abc")',
    );
    const badKey = refusal(() => readEnv('ESIPAY_CARD_KEY', { ESIPAY_CARD_KEY: 'deadbeef-secret' }));
    assert.equal(badKey.message, 'ESIPAY_CARD_KEY must be 64 hex characters (32 bytes)');
    const badSmtp = refusal(() => readEnv('ESIPAY_SMTP_URL', { ESIPAY_SMTP_URL: 'http://user:hunter2@mail' }));
    assert.doesNotMatch(badSmtp.message, /hunter2/);
    assert.match(badSmtp.hint ?? '', /esipay config env/);
  });

  it('checks every variable esipay serve reads at once, in one line, and none it does not read', () => {
    assert.doesNotThrow(() => checkEnvFor('serve', {}));
    const e = refusal(() =>
      checkEnvFor('serve', { ESIPAY_PG_POOL_MAX: 'abc', ESIPAY_OUTBOX_RETRY_BASE_MS: 'abc', ESIPAY_PG_CONNECT_TIMEOUT_MS: 'abc' }),
    );
    assert.equal(e.kind, 'invalid');
    for (const name of ['ESIPAY_PG_POOL_MAX', 'ESIPAY_OUTBOX_RETRY_BASE_MS', 'ESIPAY_PG_CONNECT_TIMEOUT_MS'])
      assert.match(e.message, new RegExp(name));
    assert.doesNotMatch(e.message, /\n/);
    // The remote engine's variables are not the service's: a stale one does not stop it.
    assert.doesNotThrow(() => checkEnvFor('serve', { ESIPAY_URL: 'not a url', ESIPAY_ENGINE: 'nope' }));
    assert.doesNotThrow(() => checkEnvFor('listen', { ESIPAY_PG_POOL_MAX: 'abc' }));
  });

  it('keeps the defaults the consumers had', () => {
    assert.deepEqual(DEFAULT_BACKOFF, { baseMs: 10_000, maxMs: 3_600_000 });
    assert.deepEqual(backoffFromEnv({}), DEFAULT_BACKOFF);
    // A maximum under the base is raised to it, as before.
    assert.deepEqual(backoffFromEnv({ ESIPAY_OUTBOX_RETRY_BASE_MS: '5000', ESIPAY_OUTBOX_RETRY_MAX_MS: '1000' }), {
      baseMs: 5000,
      maxMs: 5000,
    });
    assert.equal(readEnv('ESIPAY_PG_POOL_MAX', {}), 10);
    assert.equal(readEnv('ESIPAY_PG_CONNECT_TIMEOUT_MS', {}), 10_000);
    assert.equal(readEnv('ESIPAY_PG_PREPARE', {}), 'on');
    assert.equal(readEnv('ESIPAY_SQLITE_SYNC', {}), 'NORMAL');
    assert.equal(readEnv('ESIPAY_SMTP_FROM', {}), 'esipay <no-reply@localhost>');
  });

  it('puts the config and the data in ESIPAY_HOME, else in the XDG directories', () => {
    assert.deepEqual(esipayHome({ ESIPAY_HOME: '/srv/esipay', XDG_CONFIG_HOME: '/x' }), { config: '/srv/esipay', data: '/srv/esipay' });
    assert.deepEqual(esipayHome({ XDG_CONFIG_HOME: '/cfg', XDG_DATA_HOME: '/data' }), { config: '/cfg/esipay', data: '/data/esipay' });
    assert.equal(defaultDbPath({ XDG_DATA_HOME: '/data' }), '/data/esipay/esipay.db');
    assert.equal(defaultDbPath({ ESIPAY_HOME: '/srv/esipay' }), '/srv/esipay/esipay.db');
    assert.match(esipayHome({}).config, /[/\\]\.config[/\\]esipay$/);
  });
});
