import { createHash, randomBytes } from 'node:crypto';
import { readEnv, type Env } from '../config/env.js';
import { defaultSecretKeyPath } from '../config/paths.js';
import { invalid, unavailable } from '../domain/errors.js';
import { builtin } from '../util/builtin.js';
import { oneLine } from '../util/printable.js';

// Built-ins without their ESM facades: every local command opens the store (src/util/builtin.ts).
const { closeSync, fchmodSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } = builtin('node:fs');
const { dirname } = builtin('node:path');

/**
 * The key that seals merchant secrets (secret-sealer.ts). It never lives in the database: a copy
 * of the database file alone must not give the secrets away (the card-hash key may be kept in the
 * settings table; this one may not).
 */
export interface SecretKey {
  key: Buffer;
  /** First 8 hex of its SHA-256: kept in the settings table and in every sealed value, to name a wrong key. */
  id: string;
  /** Where it came from, for messages: ESIPAY_SECRET_KEY or the key file's path. */
  from: string;
}

export interface SecretKeySource {
  /** The key; `create` makes the key file when there is none (sealing may, opening may not). */
  find(create: boolean): SecretKey | undefined;
  /** Where the key is looked for, for a message saying it is missing. */
  readonly where: string;
}

export const keyIdOf = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

/** ESIPAY_SECRET_KEY when set, else the key file of the config directory (paths.ts). */
export function secretKeyFromEnv(env: Env = process.env): SecretKeySource {
  const hex = readEnv('ESIPAY_SECRET_KEY', env);
  if (hex) return { find: () => keyOf(hex, 'ESIPAY_SECRET_KEY'), where: 'ESIPAY_SECRET_KEY' };
  const path = defaultSecretKeyPath(env);
  return { find: (create) => keyFile(path, create), where: `ESIPAY_SECRET_KEY (not set) or the key file ${path}` };
}

function keyOf(hex: string, from: string): SecretKey {
  const key = Buffer.from(hex, 'hex');
  return { key, id: keyIdOf(key), from };
}

/** The key file's key; made (0600, atomically, never over an existing one) when asked to and missing. */
function keyFile(path: string, create: boolean): SecretKey | undefined {
  const text = readKeyFile(path) ?? (create ? createKeyFile(path) : undefined);
  if (text === undefined) return undefined;
  if (!HEX_KEY.test(text)) {
    throw invalid(
      'invalid_secret_key',
      `the key file ${path} does not hold 64 hex characters`,
      'restore it from your backup, or set ESIPAY_SECRET_KEY',
    );
  }
  return keyOf(text, path);
}

function readKeyFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(path, e);
  }
}

/**
 * Written whole to a private temporary file, then linked into place: link() fails rather than
 * replace a key another process made meanwhile (that one is then read and used), and no reader
 * ever sees a half-written key.
 */
function createKeyFile(path: string): string {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      fchmodSync(fd, 0o600); // the umask may have taken bits away
      writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  } catch (e) {
    throw unreadable(path, e);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // never made, or already gone: nothing to clean
    }
  }
  const text = readKeyFile(path);
  if (text === undefined) throw unreadable(path, new Error('it vanished just after it was made'));
  return text;
}

const unreadable = (path: string, e: unknown) =>
  unavailable(
    'secret_key_unavailable',
    `cannot read or create the key file ${path}: ${oneLine(e instanceof Error ? e.message : String(e))}`,
    'check the permissions of the config directory, or set ESIPAY_SECRET_KEY',
  );
