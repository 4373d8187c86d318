import type { Writable } from 'node:stream';
import type { ChalkInstance } from 'chalk';

/**
 * Where a command's results go. With --json, exactly one JSON document on stdout; otherwise
 * human lines on stdout. Messages and errors always go to stderr. Colour only on a TTY, never
 * with NO_COLOR or --no-color.
 */
export class Output {
  readonly color: ChalkInstance;
  readonly errColor: ChalkInstance;

  constructor(
    readonly json: boolean,
    readonly stdout: Writable & { isTTY?: boolean; columns?: number } = process.stdout,
    readonly stderr: Writable & { isTTY?: boolean } = process.stderr,
    colorWanted = true,
  ) {
    const allowed = colorsAllowed(colorWanted);
    this.color = painter(allowed && Boolean(this.stdout.isTTY));
    this.errColor = painter(allowed && Boolean(this.stderr.isTTY));
  }

  /** The command's result: JSON document or human text. */
  result(value: unknown, human: () => string): void {
    if (this.json) this.stdout.write(JSON.stringify(value, null, 2) + '\n');
    else {
      const text = human();
      if (text) this.stdout.write(text.endsWith('\n') ? text : text + '\n');
    }
  }

  /** A note for people (stderr), never part of --json output. */
  info(message: string): void {
    this.stderr.write(message + '\n');
  }

  warn(message: string): void {
    this.stderr.write(this.errColor.yellow('warning: ') + message + '\n');
  }

  /** Terminal width to truncate tables to; a pipe or a file gets whole lines. */
  get columns(): number {
    return this.stdout.isTTY ? (this.stdout.columns ?? 80) : Number.POSITIVE_INFINITY;
  }
}

function colorsAllowed(colorWanted: boolean): boolean {
  return colorWanted && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') && process.env.TERM !== 'dumb';
}

/**
 * chalk is loaded only when a terminal will show colours: piped and --json output never use it,
 * and loading it was about a tenth of a short command's start-up (docs/performance.md).
 * run-action.ts calls this before it builds a command's Output.
 */
let chalk: typeof import('chalk') | undefined;
export async function loadColors(colorWanted: boolean): Promise<void> {
  if (!chalk && colorsAllowed(colorWanted) && (process.stdout.isTTY || process.stderr.isTTY)) chalk = await import('chalk');
}

function painter(on: boolean): ChalkInstance {
  return on && chalk ? new chalk.Chalk({ level: 1 }) : PLAIN;
}

/** A chalk without colours, without chalk: any chain of styles returns its text unchanged. */
const PLAIN: ChalkInstance = new Proxy(() => undefined, {
  get: (_target, key) => (key === 'level' ? 0 : PLAIN),
  apply: (_target, _this, args: unknown[]) => args.join(' '),
}) as unknown as ChalkInstance;
