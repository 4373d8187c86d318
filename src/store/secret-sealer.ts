import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { unavailable } from '../domain/errors.js';
import type { SecretKey, SecretKeySource } from './secret-key.js';

/** The settings row naming the key the merchant secrets are sealed under (its id, never the key). */
export const SECRET_KEY_ID_SETTING = 'secret_key_id';

const FORMAT = 'esk1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/**
 * Opened secrets kept in memory, by stored text, with the merchant they opened for: one entry per
 * merchant row as stored; cleared whole when full. An AES-GCM decryption costs about 30 µs in
 * node (most of it making the cipher), a lookup well under 1 µs: getMerchant is on every payment.
 */
const CACHE_LIMIT = 1024;

/**
 * Merchant secrets at rest: the `secrets` column holds `esk1:<key id>:<base64url nonce|ciphertext|tag>`,
 * AES-256-GCM of the whole JSON array under the key of secret-key.ts, with a random 12-byte nonce
 * and the format, key id and merchant id as additional data: a value copied to another merchant's
 * row, or altered, does not open. One seal per row, not per secret: one decryption per merchant
 * read (getMerchant is on every payment), and the number of secrets is not shown either.
 *
 * Opened values are cached by stored text (and merchant), so the hot path decrypts a row once per
 * process until it changes (a rotation writes a new nonce, hence a new entry).
 */
export class SecretSealer {
  private found: SecretKey | undefined;
  private readonly opened = new Map<string, { merchantId: string; secrets: readonly string[] }>();
  private recorded: Promise<void> | undefined;

  constructor(private readonly source: SecretKeySource) {}

  /** The column value for these secrets of this merchant. */
  seal(merchantId: string, secrets: readonly string[]): string {
    const k = this.key(true)!;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', k.key, nonce);
    cipher.setAAD(additionalData(k.id, merchantId));
    const body = Buffer.concat([nonce, cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${FORMAT}:${k.id}:${body.toString('base64url')}`;
  }

  /** The secrets a column value holds: sealed, or a JSON array in clear (a database not yet migrated to 9). */
  open(merchantId: string, column: string): string[] {
    if (!isSealed(column)) return JSON.parse(column) as string[];
    const hit = this.opened.get(column);
    // The same text on another merchant's row is not that merchant's: it must fail to open, below.
    if (hit?.merchantId === merchantId) return [...hit.secrets];
    const [, keyId = '', b64 = ''] = column.split(':');
    const k = this.key(false);
    if (!k) throw missingKey(keyId, this.source);
    if (k.id !== keyId) throw wrongKey(keyId, k);
    const secrets = decrypt(k, merchantId, Buffer.from(b64, 'base64url'));
    if (this.opened.size >= CACHE_LIMIT) this.opened.clear();
    this.opened.set(column, { merchantId, secrets });
    return [...secrets];
  }

  /**
   * At start-up, with the key id the settings table holds (undefined: nothing sealed yet): a
   * missing or different key fails now, in one line, rather than as a 503 on every merchant later.
   */
  checkStored(storedKeyId: string | undefined): void {
    if (storedKeyId === undefined) return;
    const k = this.key(false);
    if (!k) throw missingKey(storedKeyId, this.source);
    if (k.id !== storedKeyId) throw wrongKey(storedKeyId, k);
    this.recorded ??= Promise.resolve();
  }

  /** This key's id, the key found (or made) first. */
  keyId(): string {
    return this.key(true)!.id;
  }

  /**
   * Before the first sealing write of this process: the key id goes into the settings table
   * (initSetting: the first writer's stays), and a database already sealed under another key is
   * refused rather than given a mix of keys.
   */
  recordKeyIn(store: { initSetting(key: string, value: string): Promise<string> }): Promise<void> {
    this.recorded ??= store
      .initSetting(SECRET_KEY_ID_SETTING, this.keyId())
      .then((stored) => this.checkStored(stored))
      .catch((e: unknown) => {
        this.recorded = undefined;
        throw e;
      });
    return this.recorded;
  }

  private key(create: boolean): SecretKey | undefined {
    this.found ??= this.source.find(create);
    return this.found;
  }
}

export const isSealed = (column: string): boolean => column.startsWith(`${FORMAT}:`);

const additionalData = (keyId: string, merchantId: string) => Buffer.from(`${FORMAT}:${keyId}:merchant:${merchantId}`, 'utf8');

function decrypt(k: SecretKey, merchantId: string, body: Buffer): string[] {
  try {
    if (body.length < NONCE_BYTES + TAG_BYTES) throw new Error('too short');
    const decipher = createDecipheriv('aes-256-gcm', k.key, body.subarray(0, NONCE_BYTES));
    decipher.setAAD(additionalData(k.id, merchantId));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    const text = Buffer.concat([decipher.update(body.subarray(NONCE_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as string[];
  } catch {
    throw unavailable(
      'merchant_secrets_unreadable',
      `the secrets of merchant ${merchantId} do not open under key ${k.id}: the row was altered or copied from another merchant`,
      'restore the merchant row from a backup of this database',
    );
  }
}

const KEY_HINT =
  'set ESIPAY_SECRET_KEY (or restore the key file) to the key this database was sealed with; every instance on one database needs the same key';

function missingKey(storedKeyId: string, source: SecretKeySource): Error {
  return unavailable(
    'secret_key_missing',
    `the merchant secrets of this database are sealed under key ${storedKeyId}, and there is no key in ${source.where}`,
    KEY_HINT,
  );
}

function wrongKey(storedKeyId: string, k: SecretKey): Error {
  return unavailable(
    'secret_key_mismatch',
    `the merchant secrets of this database are sealed under key ${storedKeyId}, not under the key of ${k.from} (key ${k.id})`,
    KEY_HINT,
  );
}
