import type { Writable } from 'node:stream';
import { Chalk, type ChalkInstance } from 'chalk';

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
    const allowed = colorWanted && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') && process.env.TERM !== 'dumb';
    this.color = new Chalk({ level: allowed && this.stdout.isTTY ? 1 : 0 });
    this.errColor = new Chalk({ level: allowed && this.stderr.isTTY ? 1 : 0 });
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
