import { builtin } from '../util/builtin.js';
import { type Env, readEnv } from './env.js';

// Built-ins without their ESM facades: every command finds its config file (src/util/builtin.ts).
const { homedir } = builtin('node:os');
const { join } = builtin('node:path');

/** Where esipay keeps its files: ESIPAY_HOME, else the XDG directories. */
export function esipayHome(env: Env = process.env): { config: string; data: string } {
  const home = readEnv('ESIPAY_HOME', env);
  if (home) return { config: home, data: home };
  const xdgConfig = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const xdgData = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return { config: join(xdgConfig, 'esipay'), data: join(xdgData, 'esipay') };
}

/** The SQLite file of the local engine when neither --db, ESIPAY_DB nor the config names one. */
export function defaultDbPath(env: Env = process.env): string {
  return join(esipayHome(env).data, 'esipay.db');
}

/**
 * The key that seals merchant secrets when ESIPAY_SECRET_KEY is not set: in the config directory,
 * away from the default database (data directory), so a copy of the database does not carry it.
 */
export function defaultSecretKeyPath(env: Env = process.env): string {
  return join(esipayHome(env).config, 'secret.key');
}
