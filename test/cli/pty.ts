import { spawn } from 'node:child_process';
import { BIN } from '../helpers/cli.js';
import { secretKeyEnv } from '../helpers/secret-key.js';

/** A word for sh -c, quoted. */
const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * The real binary on a pseudo-terminal, through util-linux `script`: stdin and stdout are a TTY.
 * With no terminal around the test, that TTY reports 0 columns, as `script` and some CI ptys do.
 * The output is what the terminal showed (stdout and stderr together, lines ending in \n).
 */
export function runInPty(args: string[], opts: { home: string; env?: Record<string, string> }): Promise<{ code: number; output: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ESIPAY_')) env[k] = v;
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'COLUMNS', 'CI']) delete env[k];
  Object.assign(env, { ESIPAY_HOME: opts.home, ...secretKeyEnv() }, opts.env);
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output: output.replaceAll('\r\n', '\n') }));
  });
}
