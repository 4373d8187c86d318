import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { secretKeyEnv } from '../helpers/secret-key.js';

/** A word for sh -c, quoted. */
const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * The real binary in a real terminal: a tmux session of its own runs `esipay ARGS`, keys go in
 * with send-keys and the screen (and its scrollback) comes out with capture-pane. CI and
 * CONTINUOUS_INTEGRATION are unset for the command, as in a person's terminal: the test runner
 * sets CI, which the tmux server would pass on. Needs tmux (apt-get install -y tmux).
 */
export class TmuxTerminal {
  private readonly socket: string;
  private readonly statusFile: string;

  constructor(args: string[], opts: { home: string; name: string; columns?: number; rows?: number; env?: Record<string, string> }) {
    this.socket = `esipay-${opts.name}-${process.pid}`;
    this.statusFile = join(opts.home, `${opts.name}.exit`);
    rmSync(this.statusFile, { force: true });
    const env = Object.entries({ ESIPAY_HOME: opts.home, ...secretKeyEnv(), ...opts.env }).map(([k, v]) => `${k}=${v}`);
    const command = ['env', '-u', 'CI', '-u', 'CONTINUOUS_INTEGRATION', ...env, process.execPath, BIN, ...args].map(quote).join(' ');
    // The shell writes the exit status to a file, then the pane stays to be read (remain-on-exit).
    const script = `${command}; echo $? > ${quote(`${this.statusFile}.tmp`)} && mv ${quote(`${this.statusFile}.tmp`)} ${quote(this.statusFile)}`;
    const [columns, rows] = [String(opts.columns ?? 140), String(opts.rows ?? 30)];
    this.tmux('new-session', '-d', '-s', 'main', '-x', columns, '-y', rows, script, ';', 'set-option', '-w', 'remain-on-exit', 'on');
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** What the terminal shows now. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'main');
  }

  /** Everything the terminal still holds: its scrollback and the screen. */
  history(): string {
    return this.tmux('capture-pane', '-p', '-S', '-', '-E', '-', '-t', 'main');
  }

  /** Characters typed one at a time, as a person types them. */
  type(text: string): void {
    for (const ch of text) this.tmux('send-keys', '-t', 'main', '-l', ch);
  }

  /** Named keys: Enter, Escape, C-c… */
  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  /** The command's exit status once it has ended. */
  status(): number | undefined {
    if (!existsSync(this.statusFile)) return undefined;
    const text = readFileSync(this.statusFile, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  }

  /**
   * Waits until the screen passes `test` (polled every 50 ms), calling `each` on every screen
   * seen on the way; fails with the screen when the command ends first or after `timeoutMs`.
   */
  async waitFor(what: string, test: (screen: string) => boolean, each?: (screen: string) => void, timeoutMs = 20_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const seen = this.screen();
      each?.(seen);
      if (test(seen)) return seen;
      const status = this.status();
      if (status !== undefined) throw new Error(`the command ended (status ${status}) before ${what}; screen:\n${this.history()}`);
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${seen}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The exit status, once the command has ended. */
  async exited(timeoutMs = 20_000): Promise<number> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const status = this.status();
      if (status !== undefined) return status;
      if (Date.now() > end) throw new Error(`the command did not end; screen:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // the server ended with its last session
    }
  }
}
