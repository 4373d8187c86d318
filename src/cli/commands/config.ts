import type { Command } from 'commander';
import { ENV_VARS } from '../../config/env.js';
import { invalid, notFound } from '../../domain/errors.js';
import { CONFIG_KEYS, type ConfigKey, configPath, configStore, isConfigKey, settingProblem } from '../settings.js';
import { action } from '../run-action.js';
import { envListing, renderEnvListing } from './config-env.js';

function checkKey(key: string): ConfigKey {
  if (!isConfigKey(key)) throw invalid('unknown_config_key', `unknown setting "${key}"`, `one of: ${Object.keys(CONFIG_KEYS).join(', ')}`);
  return key;
}

export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('settings kept in the config file (flags and ESIPAY_* variables take precedence)')
    .addHelpText(
      'after',
      `\nSettings:\n${Object.entries(CONFIG_KEYS)
        .map(([k, v]) => `  ${k.padEnd(16)}${v.help} (env ${v.env})`)
        .join('\n')}\n\n\`esipay config env\` lists every ESIPAY_* variable, its value and where it comes from.`,
    );

  config
    .command('get <key>')
    .description('print a setting')
    .action(
      action(async (ctx, key: string) => {
        const value = (await configStore()).get(checkKey(key));
        // Unset is an answer a script asks for (exit 2 with a message, one JSON error with --json),
        // never exit 1, which means a bug in esipay.
        if (value === undefined) {
          throw notFound('config_unset', `${key} is not set in the config file`, `set it with \`esipay config set ${key} <value>\``);
        }
        ctx.out.result({ key, value }, () => String(value));
      }),
    );

  config
    .command('set <key> <value>')
    .description('store a setting')
    .action(
      action(async (ctx, key: string, value: string) => {
        const k = checkKey(key);
        const problem = settingProblem(k, value);
        if (problem) throw invalid('invalid_config_value', problem);
        (await configStore()).set(k, value);
        ctx.out.result({ key, value }, () => `${key} set`);
      }),
    );

  config
    .command('unset <key>')
    .description('remove a setting')
    .action(
      action(async (ctx, key: string) => {
        (await configStore()).delete(checkKey(key));
        ctx.out.result({ key, value: null }, () => `${key} unset`);
      }),
    );

  config
    .command('list')
    .description('every stored setting (secrets masked)')
    .action(
      action(async (ctx) => {
        const all = { ...(await configStore()).store };
        const shown = Object.fromEntries(
          Object.entries(all).map(([k, v]) => [k, isConfigKey(k) && ENV_VARS[CONFIG_KEYS[k].env].secret === 'value' ? '***' : v]),
        );
        ctx.out.result(
          shown,
          () =>
            Object.entries(shown)
              .map(([k, v]) => `${k}=${String(v)}`)
              .join('\n') || '(no settings)',
        );
      }),
    );

  config
    .command('env')
    .description('every ESIPAY_* variable: its value (secrets masked), where it comes from, what it accepts')
    .action(
      action(async (ctx) => {
        const variables = await envListing();
        ctx.out.result({ variables }, () => renderEnvListing(variables));
        const problems = variables.flatMap((v) => v.problem ?? []);
        for (const problem of problems) ctx.out.stderr.write(`error: ${problem}\n`);
        if (problems.length > 0) process.exitCode = 2;
      }),
    );

  config
    .command('path')
    .description('where the config file is')
    .action(
      action(async (ctx) => {
        const path = configPath();
        ctx.out.result({ path }, () => path);
      }),
    );
}
