import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../cli.js';
import { commandWords, quote, Terminal, type TerminalOptions } from './base.js';

/**
 * A tmux session of its own runs `esipay ARGS`, keys go in with send-keys and the screen (and
 * its scrollback) comes out with capture-pane. Needs tmux (apt-get install -y tmux).
 */
export class TmuxTerminal extends Terminal {
  private readonly socket: string;
  private readonly statusFile: string;

  constructor(args: string[], opts: TerminalOptions) {
    super();
    this.socket = `esipay-${opts.name}-${process.pid}`;
    this.statusFile = join(opts.home, `${opts.name}.exit`);
    rmSync(this.statusFile, { force: true });
    const command = commandWords(BIN, args, opts).map(quote).join(' ');
    // The shell writes the exit status to a file, then the pane stays to be read (remain-on-exit).
    const script = `${command}; echo $? > ${quote(`${this.statusFile}.tmp`)} && mv ${quote(`${this.statusFile}.tmp`)} ${quote(this.statusFile)}`;
    const [columns, rows] = [String(opts.columns ?? 140), String(opts.rows ?? 30)];
    this.tmux('new-session', '-d', '-s', 'main', '-x', columns, '-y', rows, script, ';', 'set-option', '-w', 'remain-on-exit', 'on');
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'main');
  }

  history(): string {
    return this.tmux('capture-pane', '-p', '-S', '-', '-E', '-', '-t', 'main');
  }

  type(text: string): void {
    for (const ch of text) this.tmux('send-keys', '-t', 'main', '-l', ch);
  }

  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  status(): number | undefined {
    if (!existsSync(this.statusFile)) return undefined;
    const text = readFileSync(this.statusFile, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  }

  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // the server ended with its last session
    }
  }
}
