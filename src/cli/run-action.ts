import { EsipayError, exitCodeOf, EXIT_CODES } from '../domain/errors.js';
import { redactPans } from '../card/card.js';
import { CommandContext } from './context.js';
import { loadColors, type Output } from './output.js';

/**
 * What an action reads of the command it runs for: commander's Command, or the plain command
 * line src/cli/main.ts parsed without commander.
 */
export interface ParsedCommand {
  optsWithGlobals(): Record<string, unknown>;
}

/** An action as commander calls it: its arguments, its options, then the command. */
export type ActionHandler = (...args: unknown[]) => Promise<void>;

/**
 * The one top-level error handler. A command's action only parses, calls the engine and renders;
 * this turns what it throws into one line on stderr (and, with --json, one error document on
 * stdout) and the exit code: user errors by their kind, anything else as a bug (exit 1).
 */
export function action<A extends unknown[]>(fn: (ctx: CommandContext, ...args: A) => Promise<void>): ActionHandler {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args.at(-1) as ParsedCommand;
    await loadColors(cmd.optsWithGlobals().color !== false);
    const ctx = CommandContext.of(cmd);
    try {
      await fn(ctx, ...(args.slice(0, -1) as A));
    } catch (e) {
      process.exitCode = reportError(ctx.out, e);
    } finally {
      await ctx.close().catch(() => undefined);
    }
  };
}

/**
 * One error on stderr (and, with --json, its document on stdout); returns the exit code. Also
 * what program.ts reports with when parsing the command line fails outside any action.
 */
export function reportError(out: Output, e: unknown): number {
  if (e instanceof EsipayError) {
    const line = `error: ${e.message}${e.hint ? ` (${e.hint})` : ''}`;
    out.stderr.write(out.errColor.red(redactPans(line)) + '\n');
    if (out.json) out.stdout.write(JSON.stringify(errorDocument(e), null, 2) + '\n');
    return exitCodeOf(e.kind);
  }
  const err = e as Error;
  out.stderr.write(out.errColor.red(`bug: ${redactPans(err?.stack ?? String(e))}`) + '\n');
  const where = bugsUrl();
  out.stderr.write(`This is a bug in esipay; please report it${where ? ` at ${where}` : ''} with the command you ran.\n`);
  if (out.json) out.stdout.write(JSON.stringify({ error: { code: 'internal', message: 'internal error' } }) + '\n');
  return EXIT_CODES.bug;
}

/**
 * Where to report a bug: package.json's bugs.url, read when a bug happens and not before (a
 * command that works pays nothing for it). A package.json that cannot be read leaves it out.
 */
export function bugsUrl(): string | undefined {
  try {
    const { readFileSync } = process.getBuiltinModule('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { bugs?: { url?: unknown } };
    return typeof pkg.bugs?.url === 'string' ? pkg.bugs.url : undefined;
  } catch {
    return undefined;
  }
}

/** The --json document of an error: { error: { code, message, hint? }, transaction? }. */
export function errorDocument(e: EsipayError): Record<string, unknown> {
  const doc: Record<string, unknown> = { error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } };
  if (e.transaction) doc.transaction = e.transaction;
  return doc;
}
