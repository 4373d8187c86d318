import { type ChildProcess, spawn } from 'node:child_process';

/**
 * A server the bench started in its own process (callback receiver, bare baseline server,
 * `esipay serve`): ready once it printed its address, stopped by its own pid.
 */
export interface RunningChild {
  /** The first capture group of the readiness pattern (the server's URL). */
  url: string;
  /** Every group of the readiness pattern. */
  match: string[];
  pid: number;
  /** Everything it printed so far, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  args: string[];
  env?: Record<string, string | undefined>;
  /** Matched against stdout and stderr; its first group is the URL. */
  ready: RegExp;
  timeoutMs?: number;
  /** Node options such as --cpu-prof for profiling a run. */
  nodeArgs?: string[];
}

/** Every child still running: killed when the bench exits, even on Ctrl-C or a crash. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

export function startChild(script: string, opts: StartOptions): Promise<RunningChild> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), script, ...opts.args], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} was not ready within ${opts.timeoutMs ?? 15_000} ms:\n${output}`));
    }, opts.timeoutMs ?? 15_000);
    let ready = false;
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
      const m = opts.ready.exec(output);
      if (!ready && m) {
        ready = true;
        clearTimeout(timer);
        resolve({ url: m[1] ?? '', match: [...m], pid: child.pid!, output: () => output, stop: () => stopChild(child) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code, signal) => {
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${output}`));
      }
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
