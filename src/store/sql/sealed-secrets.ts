import type { SecretSealer } from '../secret-sealer.js';
import { isSealed } from '../secret-sealer.js';
import type { Migration } from './migration.js';
import type { Row } from './rows.js';

/**
 * Migration 9: the merchant secrets written in clear by earlier versions are sealed
 * (secret-sealer.ts), in the migration's transaction, so a database copied after the upgrade holds
 * none in clear. The schema does not change (the column stays TEXT): the adapters run
 * sealClearSecrets on `SELECT id, secrets FROM merchants` and write back what it returns.
 */
export const SEAL_SECRETS_MIGRATION: Migration = {
  version: 9,
  name: 'merchant secrets sealed at rest',
  sql: 'SELECT 1',
};

/** The rows still in clear, with their secrets sealed; the others are left out. */
export function sealClearSecrets(rows: Row[], sealer: SecretSealer): { id: string; secrets: string }[] {
  return rows
    .filter((r) => !isSealed(String(r.secrets)))
    .map((r) => ({ id: String(r.id), secrets: sealer.seal(String(r.id), JSON.parse(String(r.secrets)) as string[]) }));
}
