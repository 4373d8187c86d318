import { secretKeyEnv } from '../secret-key.js';
/**
 * The real binary in a real terminal, whichever runs it (tmux, or a pseudo-terminal of its own:
 * see ./index.ts). What a test does with it: read the screen, type, press keys, wait.
 */
export interface TerminalOptions {
  home: string;
  /** Names the session (and its exit-status file). */
  name: string;
  columns?: number;
  rows?: number;
  env?: Record<string, string>;
  /**
   * Keep the test runner's CI and CONTINUOUS_INTEGRATION for the command (the TUI must draw live
   * even then). By default they are unset, as in a person's terminal.
   */
  keepCi?: boolean;
}

export abstract class Terminal {
  /** What the terminal shows now. */
  abstract screen(): string;
  /** Everything the terminal still holds: its scrollback and the screen. */
  abstract history(): string;
  /** Characters typed one at a time, as a person types them. */
  abstract type(text: string): void;
  /** Named keys as tmux names them (Enter, Escape, BSpace, Up, C-c…); anything else is typed as is. */
  abstract press(...keys: string[]): void;
  /** The command's exit status once it has ended (and its last output is on the screen). */
  abstract status(): number | undefined;
  abstract close(): void;

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
}

/** The command line a terminal runs: env (less CI unless kept) ESIPAY_HOME=… node bin/esipay.js ARGS. */
export function commandWords(bin: string, args: string[], opts: TerminalOptions): string[] {
  const env = Object.entries({ ESIPAY_HOME: opts.home, ...secretKeyEnv(), ...opts.env }).map(([k, v]) => `${k}=${v}`);
  const unset = opts.keepCi ? [] : ['-u', 'CI', '-u', 'CONTINUOUS_INTEGRATION'];
  return ['env', ...unset, ...env, process.execPath, bin, ...args];
}

/** A word for sh -c, quoted. */
export const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
