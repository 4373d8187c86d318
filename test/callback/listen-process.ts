import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { BIN } from '../helpers/cli.js';

/**
 * A real `esipay listen` child process on port 0, as a developer runs it, ready once it printed
 * its "listening on" line (no sleeps). Its stdout lines are collected as they come (one per message).
 */
export interface ListenProcess {
  url: string;
  lines: string[];
  /** Resolves when `count` lines have been printed. */
  waitForLines(count: number): Promise<string[]>;
  stop(): Promise<void>;
  child: ChildProcessWithoutNullStreams;
}

export async function startListen(args: string[]): Promise<ListenProcess> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ESIPAY_')) env[k] = v;
  Object.assign(env, { NO_COLOR: '1' });
  const child = spawn(process.execPath, [BIN, 'listen', '--port', '0', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      lines.push(out.slice(0, nl));
      out = out.slice(nl + 1);
    }
    for (const w of waiters.filter((w) => lines.length >= w.count)) w.resolve();
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`esipay listen exited before it was ready: ${err}`)));
  });
  return {
    url,
    lines,
    child,
    waitForLines: (count) =>
      new Promise((resolve) => {
        if (lines.length >= count) resolve(lines);
        else waiters.push({ count, resolve: () => resolve(lines) });
      }),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
