import type { OptionSpec } from './command-line.js';

/**
 * The program's options, once: commander declares them (src/cli/program.ts), the plain command
 * line parser reads them (src/cli/command-line.ts), and both find the command word past them.
 * -V/--version is commander's own.
 */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    flags: '--engine <engine>',
    description: 'where commands run: local (embedded SQLite, default) or remote (an esipay service)',
    choices: ['local', 'remote'],
  },
  { flags: '--db <path|url>', description: 'local engine database: SQLite file or postgres:// URL (env ESIPAY_DB)' },
  { flags: '--url <url>', description: 'remote engine: the service URL, e.g. http://127.0.0.1:6543 (env ESIPAY_URL)' },
  { flags: '--token <token>', description: 'remote engine: operator token (env ESIPAY_TOKEN)' },
  { flags: '--merchant <uuid>', description: 'merchant to act for (env ESIPAY_MERCHANT, or config)' },
  { flags: '--json', description: 'print exactly one JSON document on stdout, errors included' },
  {
    flags: '--color <when>',
    description: 'colours: always, never, or auto (on a terminal; FORCE_COLOR and NO_COLOR are honoured)',
    choices: ['always', 'never', 'auto'],
  },
  { flags: '--no-color', description: 'no colours, as --color=never' },
];
