import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BIN } from '../helpers/cli.js';
import { secretKeyEnv } from '../helpers/secret-key.js';

/**
 * A merchant's return URL that answers the first `openFor` payments at once and holds the next
 * ones unanswered until `release()`: a batch is stopped at a known row, with its rows in flight
 * waiting right there, without any sleep. Counts the callbacks each cid got.
 */
export interface GatedReceiver {
  url: string;
  callbacks: Map<string, number>;
  held(): number;
  /** Resolves once `n` callbacks are held. */
  waitHeld(n: number): Promise<void>;
  /** Answers the held callbacks (200) and every later one at once. */
  release(): void;
  /** Drops the held connections unanswered (their payer is gone). */
  drop(): void;
  close(): Promise<void>;
}

export async function gatedReceiver(openFor: number): Promise<GatedReceiver> {
  const callbacks = new Map<string, number>();
  const held: ServerResponse[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let answered = 0;
  let open = false;
  const answer = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const cid = new URLSearchParams(body).get('cid') ?? '';
      callbacks.set(cid, (callbacks.get(cid) ?? 0) + 1);
      if (open || answered < openFor) {
        answered++;
        answer(res);
        return;
      }
      held.push(res);
      for (const w of waiters.filter((w) => held.length >= w.n)) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    callbacks,
    held: () => held.length,
    waitHeld: (n) => new Promise((resolve) => (held.length >= n ? resolve() : waiters.push({ n, resolve }))),
    release() {
      open = true;
      for (const res of held.splice(0)) answer(res);
    },
    drop() {
      for (const res of held.splice(0)) res.socket?.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The real binary, its stdout and stderr collected as they come, for a test that signals it midway. */
export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr matches. */
  waitForStderr(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: string[], opts: { home: string; env?: Record<string, string> }): RunningCli {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ESIPAY_') && k !== 'FORCE_COLOR') env[k] = v;
  Object.assign(env, { ESIPAY_HOME: opts.home, NO_COLOR: '1', CI: '1', ...secretKeyEnv() }, opts.env);
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const w of watchers.filter((w) => w.pattern.test(stderr))) w.resolve();
  });
  const waitForStderr = (pattern: RegExp) =>
    new Promise<void>((resolve) => (pattern.test(stderr) ? resolve() : watchers.push({ pattern, resolve })));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, waitForStderr, exited };
}

/** NDJSON text as objects. */
export const ndjson = <T = any>(text: string): T[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
