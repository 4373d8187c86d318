import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type RunningChild, startChild } from './child.js';
import { BIN } from './paths.js';

/**
 * Drives the real esipay as a user does: the CLI binary and `esipay serve`, each in its own
 * process, with their own ESIPAY_HOME and no ESIPAY_* variable of the caller leaking in.
 */
export function esipayEnv(home: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ESIPAY_')) env[k] = v;
  return { ...env, ESIPAY_HOME: home, NO_COLOR: '1', ESIPAY_SECRET_KEY: BENCH_SECRET_KEY, ...extra };
}

/**
 * One key sealing merchant secrets for the bench process (which seeds databases in process) and
 * every esipay it starts with a home of its own: otherwise each would make its own key file.
 */
export const BENCH_SECRET_KEY = (process.env.ESIPAY_SECRET_KEY ||= 'be'.repeat(32));

/** Runs the CLI to completion; throws with its stderr when it fails. */
export function cli(args: string[], env: Record<string, string | undefined>): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`esipay ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

export function registerMerchant(db: string, returnUrl: string, env: Record<string, string | undefined>): string {
  const out = cli(['--db', db, 'merchant', 'register', '--name', 'Bench', '--ip', '127.0.0.1', '--return-url', returnUrl, '--json'], env);
  return (JSON.parse(out) as { uuid: string }).uuid;
}

/** `esipay serve --port 0 --quiet` on loopback, ready once it printed its address. */
export function startServe(db: string, home: string, nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<RunningChild> {
  return startChild(BIN, {
    args: ['serve', '--port', '0', '--host', '127.0.0.1', '--db', db, '--quiet'],
    env: esipayEnv(home, { ESIPAY_ADMIN_TOKEN: `bench-${randomBytes(16).toString('hex')}`, ...env }),
    ready: /esipay serve listening on (http:\/\/\S+)/,
    timeoutMs: 30_000,
    nodeArgs,
  });
}

/** Whether this checkout has `esipay serve` yet (it is built by another part of the project). */
export function hasServe(): boolean {
  const r = spawnSync(process.execPath, [BIN, 'serve', '--help'], { encoding: 'utf8' });
  return r.status === 0 && /Usage: esipay serve/.test(r.stdout);
}

export function profileArgs(dir: string | null, name: string): string[] {
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
}
