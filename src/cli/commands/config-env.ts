import { type CommandName, ENV_NAMES, ENV_VARS, envDefault, type EnvName, envProblem } from '../../config/env.js';
import { withoutPassword } from '../../notify/notifier.js';
import { type ConfigKey, configKeyOf, settingDefault, storedSetting } from '../settings.js';

/** One variable as `esipay config env` shows it. */
export interface EnvListing {
  name: EnvName;
  /** What esipay uses (secrets masked); null when nothing gives it a value. */
  value: string | null;
  source: 'environment' | 'config file' | 'default';
  /** The flag and the config key that stand for it, when there are. */
  flag?: string;
  configKey?: ConfigKey;
  default: string;
  accepts: string;
  secret: boolean;
  help: string;
  commands: readonly CommandName[];
  /** What is wrong with the value in the environment. */
  problem?: string;
}

/** Every variable with the value it has now: the environment, else the config file, else the default. */
export async function envListing(): Promise<EnvListing[]> {
  const env = process.env;
  const rows: EnvListing[] = [];
  for (const name of ENV_NAMES) {
    const spec = ENV_VARS[name];
    const configKey = configKeyOf(name);
    const row = {
      ...('flag' in spec ? { flag: spec.flag } : {}),
      ...(configKey ? { configKey } : {}),
      default: envDefault(name),
      accepts: spec.accepts,
      secret: 'secret' in spec,
      help: spec.help,
      commands: spec.commands,
    };
    const text = env[name];
    const stored = configKey ? await storedSetting(configKey) : undefined;
    const problem = envProblem(name, env);
    if (text !== undefined && text !== '')
      rows.push({ name, value: shown(name, text), source: 'environment', ...row, ...(problem ? { problem } : {}) });
    else if (typeof stored === 'string' && stored !== '') rows.push({ name, value: shown(name, stored), source: 'config file', ...row });
    else {
      const fallback = spec.fallback ?? (configKey ? settingDefault(configKey) : undefined);
      rows.push({ name, value: fallback === undefined ? null : shown(name, String(fallback)), source: 'default', ...row });
    }
  }
  return rows;
}

/** A value as it may be printed: a secret as ***, a URL without its password. */
function shown(name: EnvName, text: string): string {
  const spec = ENV_VARS[name];
  if (!('secret' in spec)) return text;
  if (spec.secret === 'value') return '***';
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? withoutPassword(text) : text;
}

export function renderEnvListing(rows: readonly EnvListing[]): string {
  return rows
    .map((r) => {
      const source = r.source === 'config file' ? `config file: ${r.configKey}` : r.source;
      const head = r.value === null ? `${r.name}  (not set)` : `${r.name}=${r.value}  (${source})`;
      return [
        r.problem ? `${head}  INVALID: ${r.problem}` : head,
        `    ${r.help}`,
        `    accepts ${r.accepts}; default ${r.default}${r.flag ? `; flag ${r.flag}` : ''}; read by ${r.commands.join(', ')}`,
      ].join('\n');
    })
    .join('\n');
}
