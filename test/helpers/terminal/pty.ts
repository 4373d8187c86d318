import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import xterm from '@xterm/headless';
import { BIN } from '../cli.js';
import { commandWords, quote, Terminal, type TerminalOptions } from './base.js';

/**
 * A pseudo-terminal without tmux: util-linux's `script` (in Debian's bsdutils, which every
 * Debian has) runs `esipay ARGS` on a pty of its own, keys are written to it, and what the
 * program writes goes through a terminal emulator (@xterm/headless) whose screen is read back.
 * `script` rather than node-pty: node-pty is a native addon that needs a compiler (or a
 * prebuilt binary for this platform and Node version) on every machine, `script` is there.
 */
const KEYS: Record<string, string> = {
  Enter: '\r',
  Escape: '\x1b',
  BSpace: '\x7f',
  Tab: '\t',
  Space: ' ',
  Up: '\x1b[A',
  Down: '\x1b[B',
  Right: '\x1b[C',
  Left: '\x1b[D',
  Home: '\x1b[H',
  End: '\x1b[F',
  PageUp: '\x1b[5~',
  PageDown: '\x1b[6~',
  PPage: '\x1b[5~',
  NPage: '\x1b[6~',
  DC: '\x1b[3~',
};

/** What a key name (tmux's) writes: C-x is control-x; an unknown name is typed as it is. */
function keyBytes(key: string): string {
  const ctrl = /^C-([a-z])$/i.exec(key);
  if (ctrl) return String.fromCharCode(ctrl[1]!.toLowerCase().charCodeAt(0) - 96);
  return KEYS[key] ?? key;
}

/** Between two keys, as between two of tmux's send-keys: each key is its own read for the program. */
const KEY_GAP_MS = 10;

export class PtyTerminal extends Terminal {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly term: InstanceType<typeof xterm.Terminal>;
  private exitCode: number | undefined;
  private typing: Promise<void> = Promise.resolve();

  constructor(args: string[], opts: TerminalOptions) {
    super();
    const [columns, rows] = [opts.columns ?? 140, opts.rows ?? 30];
    this.term = new xterm.Terminal({ cols: columns, rows, scrollback: 10_000, allowProposedApi: true });
    const command = `stty cols ${columns} rows ${rows} && exec ${commandWords(BIN, args, opts).map(quote).join(' ')}`;
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, TERM: 'xterm-256color' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.term.write(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => this.term.write(chunk));
    this.child.stdin.on('error', () => undefined); // the program ended while a key was on its way
    // The status once all the output is on the emulator's screen (its writes are parsed later).
    this.child.once('close', (code, signal) => this.term.write('', () => (this.exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15))));
    this.child.once('error', (e) =>
      this.term.write(`\r\n[script failed to start: ${e.message}; apt-get install bsdutils]\r\n`, () => (this.exitCode = 127)),
    );
  }

  private lines(from: number, to: number): string {
    const buffer = this.term.buffer.active;
    const out: string[] = [];
    for (let y = from; y < to; y++) out.push(buffer.getLine(y)?.translateToString(true) ?? '');
    return out.join('\n');
  }

  screen(): string {
    const base = this.term.buffer.active.baseY;
    return this.lines(base, base + this.term.rows);
  }

  history(): string {
    return this.lines(0, this.term.buffer.active.length);
  }

  private send(bytes: string[]): void {
    for (const b of bytes)
      this.typing = this.typing.then(
        () =>
          new Promise<void>((resolve) =>
            this.child.stdin.write(b) ? setTimeout(resolve, KEY_GAP_MS) : this.child.stdin.once('drain', resolve),
          ),
      );
  }

  type(text: string): void {
    this.send([...text]);
  }

  press(...keys: string[]): void {
    this.send(keys.map(keyBytes));
  }

  status(): number | undefined {
    return this.exitCode;
  }

  close(): void {
    if (this.exitCode === undefined) this.child.kill('SIGKILL');
    this.term.dispose();
  }
}
