import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * What is-in-ci reads (node_modules/is-in-ci/index.js: CI and CONTINUOUS_INTEGRATION, each unless
 * "0" or "false"). With either set, Ink draws nothing live: it keeps the frames and prints the
 * last one on exit, for a CI log. A bench run from CI or a script has CI set, and the tmux server
 * passes its environment on, so the terminal children run without them, as in a person's terminal.
 */
export const UNSET_CI = '-u CI -u CONTINUOUS_INTEGRATION';

/** Whether tmux is there to give the TUI a real pseudo-terminal. */
export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
}

/**
 * Runs `command` (without CI in its environment: UNSET_CI) in a detached tmux pane (160×40) and measures the time until `ready` matches
 * the screen and the process's resident memory then. The session is killed afterwards.
 */
export async function firstScreen(command: string, ready: RegExp, timeoutMs = 20_000): Promise<{ ms: number; rssMb: number }> {
  const session = `esipay-bench-base-${process.pid}-${Date.now()}`;
  const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
  try {
    const t0 = performance.now();
    // As words (tmux runs them without a shell of its own): env, then the shell for `command`.
    tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '40', ...['env', ...UNSET_CI.split(' '), 'sh', '-c', command]);
    const end = Date.now() + timeoutMs;
    let screen = '';
    while (!ready.test((screen = tmux('capture-pane', '-p', '-t', session)))) {
      if (Date.now() > end) {
        const last = screen.split('\n').findLast((l) => l.trim() !== '') ?? '';
        throw new Error(`no ${ready} on screen within ${timeoutMs} ms (last line: ${JSON.stringify(last.trim().slice(0, 120))})`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const ms = performance.now() - t0;
    const pid = Number(tmux('display', '-p', '-t', session, '#{pane_pid}').trim());
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
    return { ms, rssMb };
  } finally {
    spawnSync('tmux', ['kill-session', '-t', session]);
  }
}
