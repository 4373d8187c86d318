import { ENV_VARS, type EnvName, envText } from '../config/env.js';
import { defaultDbPath, esipayHome } from '../config/paths.js';
import { invalid } from '../domain/errors.js';
import { builtin } from '../util/builtin.js';

// Built-ins without their ESM facades: every local command reads its settings (src/util/builtin.ts).
const { readFileSync } = builtin('node:fs');
const { join } = builtin('node:path');

/**
 * Settings resolved by precedence: flag > environment > config file > default.
 * The config file (conf) is only read when a flag or the environment did not already answer,
 * so a fully specified command does not pay for loading it.
 */
export const CONFIG_KEYS = {
  engine: { env: 'ESIPAY_ENGINE', help: 'local or remote' },
  db: { env: 'ESIPAY_DB', help: 'SQLite file path or postgres:// URL for the local engine' },
  url: { env: 'ESIPAY_URL', help: 'base URL of an esipay service for the remote engine' },
  token: { env: 'ESIPAY_TOKEN', help: 'operator token for the remote engine' },
  merchant: { env: 'ESIPAY_MERCHANT', help: 'default merchant uuid' },
  callbackTimeout: { env: 'ESIPAY_CALLBACK_TIMEOUT_MS', help: 'return URL timeout in milliseconds (default 10000)' },
  publicUrl: { env: 'ESIPAY_PUBLIC_URL', help: 'public base URL of the service, used in payment links' },
} as const satisfies Record<string, { env: EnvName; help: string }>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, key);
}

/** The config key a variable backs, when it backs one. */
export function configKeyOf(name: EnvName): ConfigKey | undefined {
  return (Object.keys(CONFIG_KEYS) as ConfigKey[]).find((key) => CONFIG_KEYS[key].env === name);
}

type ConfStore = {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  store: Record<string, unknown>;
  path: string;
};
let conf: ConfStore | undefined;

export async function configStore(): Promise<ConfStore> {
  if (!conf) {
    const { default: Conf } = await import('conf');
    const dir = esipayHome().config;
    conf = new Conf({ projectName: 'esipay', cwd: dir, configName: 'config', configFileMode: 0o600 }) as unknown as ConfStore;
  }
  return conf;
}

export function configPath(): string {
  return join(esipayHome().config, 'config.json');
}

export async function resolveSetting(key: ConfigKey, flag: string | undefined): Promise<string | undefined> {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = envText(CONFIG_KEYS[key].env);
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const stored = await storedSetting(key);
  if (typeof stored === 'string' && stored !== '') return stored;
  return settingDefault(key);
}

/** What a setting is when neither a flag, the environment nor the config file gives it. */
export function settingDefault(key: ConfigKey): string | undefined {
  if (key === 'engine') return 'local';
  if (key === 'db') return defaultDbPath();
  return undefined;
}

/**
 * A stored setting, read without loading conf: conf brings ajv and semver (over 300 modules,
 * most of a short command's start-up) and keeps the settings as plain JSON in configPath().
 * Writes, and any file this reader does not understand, still go through conf as before.
 */
export async function storedSetting(key: ConfigKey): Promise<unknown> {
  let text: string;
  try {
    text = readFileSync(configPath(), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return (await configStore()).get(key);
  }
  try {
    const doc: unknown = JSON.parse(text);
    if (doc !== null && typeof doc === 'object' && !Array.isArray(doc))
      return Object.hasOwn(doc, key) ? (doc as Record<string, unknown>)[key] : undefined;
  } catch {
    // Not JSON: conf reports it as it always did.
  }
  return (await configStore()).get(key);
}

/** A setting's value is refused when its variable would refuse it: `config set` checks what it stores. */
export function settingProblem(key: ConfigKey, value: string): string | undefined {
  const spec = ENV_VARS[CONFIG_KEYS[key].env];
  return spec.parse(value) === undefined ? `${key} must be ${spec.accepts}` : undefined;
}

/** The return-URL timeout from a flag or the config file (the variable is checked by envText). */
export function parseCallbackTimeout(text: string): number {
  const ms = ENV_VARS.ESIPAY_CALLBACK_TIMEOUT_MS.parse(text);
  if (ms === undefined) throw invalid('invalid_timeout', 'the callback timeout must be 1 to 600000 milliseconds');
  return ms;
}
