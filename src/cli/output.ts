import type { Writable } from 'node:stream';
import type { ChalkInstance } from 'chalk';

/**
 * Where a command's results go. With --json, exactly one JSON document on stdout; otherwise
 * human lines on stdout. Messages and errors always go to stderr. Colour on a TTY; forced by
 * FORCE_COLOR (or --color=always, which sets it); never with FORCE_COLOR=0, --no-color,
 * --color=never, or (unless forced) NO_COLOR or TERM=dumb.
 */
export class Output {
  /** Whether what goes to stdout is coloured (--color, FORCE_COLOR, NO_COLOR, a terminal). */
  readonly colors: boolean;
  readonly color: ChalkInstance;
  readonly errColor: ChalkInstance;

  constructor(
    readonly json: boolean,
    readonly stdout: Writable & { isTTY?: boolean; columns?: number } = process.stdout,
    readonly stderr: Writable & { isTTY?: boolean } = process.stderr,
    colorWanted = true,
  ) {
    const mode = colorMode(colorWanted);
    this.colors = mode === 'forced' || (mode === 'auto' && Boolean(this.stdout.isTTY));
    this.color = painter(this.colors);
    this.errColor = painter(mode === 'forced' || (mode === 'auto' && Boolean(this.stderr.isTTY)));
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
    return this.stdout.isTTY ? terminalWidth(this.stdout) : Number.POSITIVE_INFINITY;
  }
}

/**
 * The width of a terminal: what it reports, else COLUMNS, else 80. Some report 0 columns
 * (`script` without a terminal around it, some CI ptys): 0 is "unknown", not a width, or every
 * table would be cut down to its ellipsis. Help text is wrapped to this width too.
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }): number {
  if (stream.isTTY && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const fromEnv = Number(process.env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
}

/**
 * Whether colours are off, forced, or up to each stream being a TTY. A flag beats the
 * environment; FORCE_COLOR (the switch chalk and node itself read) beats NO_COLOR.
 */
function colorMode(colorWanted: boolean): 'off' | 'forced' | 'auto' {
  if (!colorWanted) return 'off';
  const force = process.env.FORCE_COLOR;
  if (force !== undefined) return force === '0' || force === 'false' ? 'off' : 'forced';
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return 'off';
  return process.env.TERM === 'dumb' ? 'off' : 'auto';
}

/**
 * --color=always|never|auto, turned into what the rest of esipay reads: `never` is --no-color;
 * `always` is FORCE_COLOR=1, so Output and the libraries that colour for themselves (Ink's chalk)
 * agree; `auto` is the default. Called before each command's action (program.ts's preAction
 * hook; main.ts for a plain command line).
 */
export function applyColorFlag(opts: { color?: unknown }, set: (value: boolean) => void): void {
  if (opts.color === 'always') process.env.FORCE_COLOR = '1';
  if (typeof opts.color === 'string') set(opts.color !== 'never');
}

/**
 * chalk is loaded only when a terminal will show colours: piped and --json output never use it,
 * and loading it was about a tenth of a short command's start-up (docs/performance.md).
 * run-action.ts calls this before it builds a command's Output.
 */
let chalk: typeof import('chalk') | undefined;
export async function loadColors(colorWanted: boolean): Promise<void> {
  const mode = colorMode(colorWanted);
  if (!chalk && (mode === 'forced' || (mode === 'auto' && (process.stdout.isTTY || process.stderr.isTTY)))) chalk = await import('chalk');
}

function painter(on: boolean): ChalkInstance {
  return on && chalk ? new chalk.Chalk({ level: 1 }) : PLAIN;
}

/** A chalk without colours, without chalk: any chain of styles returns its text unchanged. */
const PLAIN: ChalkInstance = new Proxy(() => undefined, {
  get: (_target, key) => (key === 'level' ? 0 : PLAIN),
  apply: (_target, _this, args: unknown[]) => args.join(' '),
}) as unknown as ChalkInstance;
