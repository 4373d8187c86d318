import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secretKeyEnv } from './secret-key.js';

/** The real binary, as a user runs it. */
export const BIN = fileURLToPath(new URL('../../../bin/esipay.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws if it is not exactly one JSON document). */
  json<T = any>(): T;
}

/** A fresh ESIPAY_HOME for one test (config and SQLite database together). */
export function tempHome(): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'esipay-test-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export function runCli(args: string[], opts: { home: string; env?: Record<string, string>; input?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    // The colour and width the test asks for, not those of the terminal the suite runs in.
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !k.startsWith('ESIPAY_') && k !== 'FORCE_COLOR' && k !== 'COLUMNS') env[k] = v;
    Object.assign(env, { ESIPAY_HOME: opts.home, NO_COLOR: '1', CI: '1', ...secretKeyEnv() }, opts.env);
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    // A command that needs no input may exit before its stdin is written (--help does): that
    // EPIPE is not the test's failure; the exit code and output say what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout) }));
  });
}

/** Registers a merchant through the CLI and returns its uuid and secret. */
export async function registerMerchant(
  home: string,
  returnUrl: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<{ uuid: string; secret: string }> {
  const r = await runCli(
    ['merchant', 'register', '--name', 'Boutique', '--ip', '127.0.0.1', '--return-url', returnUrl, '--json', ...extra],
    { home, env },
  );
  if (r.code !== 0) throw new Error(`register failed: ${r.stderr}`);
  return r.json();
}
