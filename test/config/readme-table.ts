import { configKeyOf } from '../../src/cli/settings.js';
import { ENV_NAMES, ENV_VARS, envDefault } from '../../src/config/env.js';

/**
 * The README's table of ESIPAY_* variables, made from src/config/env.ts (readme.test.ts checks
 * the README holds it). To refresh it after changing env.ts:
 *   npm run build && node -e "import('./dist/test/config/readme-table.js').then((m) => console.log(m.envTable()))"
 */
export const TABLE_START = '<!-- ESIPAY_* variables: made from src/config/env.ts by test/config/readme-table.ts; keep in step -->';
export const TABLE_END = '<!-- end of the ESIPAY_* variables -->';

export function envTable(): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const rows = ENV_NAMES.map((name) => {
    const spec = ENV_VARS[name];
    const key = configKeyOf(name);
    const also = [...('flag' in spec ? [`\`${spec.flag}\``] : []), ...(key ? [`config \`${key}\``] : [])].join(', ');
    const byDefault = spec.fallback === undefined ? envDefault(name) : `\`${envDefault(name)}\``;
    return `| \`${name}\` | ${cell(also)} | ${cell(spec.help)} | ${cell(spec.accepts)} | ${cell(byDefault)} |`;
  });
  return ['| variable | flag, config key | what it sets | accepts | default |', '|---|---|---|---|---|', ...rows].join('\n');
}
