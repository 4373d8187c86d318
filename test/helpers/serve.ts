import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './cli.js';
import { secretKeyEnv } from './secret-key.js';

/**
 * A real `esipay serve` child process on loopback, as an operator starts it:
 * `node bin/esipay.js serve --port 0 --host 127.0.0.1 --db <db> …`, ready once it printed its
 * readiness line (no sleeps). Reusable for any --db (SQLite path or postgres:// URL).
 */
export interface ServeProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** The operator token it accepts (the one given, or the one it printed when it created it). */
  token: string;
  /** Everything it wrote on stderr so far (access log, messages). */
  stderr(): string;
  /** Resolves with the first stderr line matching, waiting for it if needed. */
  waitForStderr(pattern: RegExp): Promise<string>;
  /** Sends the signal (SIGTERM by default) and resolves with how it exited. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  child: ChildProcessWithoutNullStreams;
}

export interface StartServeOptions {
  db: string;
  /** Extra arguments after `serve` (e.g. ['--callback-timeout', '1000']). */
  args?: string[];
  env?: Record<string, string>;
  /** The ESIPAY_ADMIN_TOKEN to run with; a random one by default; null to let serve create its own. */
  adminToken?: string | null;
  /** --host; 127.0.0.1 by default. */
  host?: string;
  /** ESIPAY_HOME (config); a fresh empty directory by default. */
  home?: string;
  /** Node options before the script (e.g. ['--import', preload]). */
  nodeArgs?: string[];
}

export const READY = /esipay serve listening on (http:\/\/[^\s"]+)/;
const START_LIMIT_MS = 30_000;

export async function startServe(opts: StartServeOptions): Promise<ServeProcess> {
  const ownHome = opts.home ? undefined : mkdtempSync(join(tmpdir(), 'esipay-serve-home-'));
  const token = opts.adminToken === undefined ? `test-admin-${randomBytes(16).toString('hex')}` : opts.adminToken;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ESIPAY_')) env[k] = v;
  // No drain on SIGTERM unless a test asks for one: a test stops its service and goes on.
  Object.assign(
    env,
    { ESIPAY_HOME: opts.home ?? ownHome!, NO_COLOR: '1', ESIPAY_DRAIN_MS: '0', ...secretKeyEnv() },
    token ? { ESIPAY_ADMIN_TOKEN: token } : {},
    opts.env,
  );
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), BIN, 'serve', '--port', '0', '--host', opts.host ?? '127.0.0.1', '--db', opts.db, ...(opts.args ?? [])],
    {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  child.stdout.resume();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr += d;
    for (const w of [...watchers]) {
      const line = stderr.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const waitForStderr = (pattern: RegExp) =>
    new Promise<string>((resolve) => {
      const line = stderr.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) resolve(line);
      else watchers.push({ pattern, resolve });
    });

  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    waitForStderr(READY),
    exited.then(({ code, signal }) => {
      throw new Error(`esipay serve exited (${code ?? signal}) before it was ready:\n${stderr}`);
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`esipay serve was not ready within ${START_LIMIT_MS} ms:\n${stderr}`)), START_LIMIT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  const url = READY.exec(ready)![1]!;
  const printed = /operator token \(shown only now, keep it\): (\S+)/.exec(stderr)?.[1];

  return {
    url,
    port: Number(new URL(url).port),
    token: token ?? printed ?? '',
    stderr: () => stderr,
    waitForStderr,
    child,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const result = await exited;
      if (ownHome) rmSync(ownHome, { recursive: true, force: true });
      return result;
    },
  };
}
