import type { ActionHandler } from './run-action.js';

/**
 * A command's command line as data, and the parser of its plain forms.
 *
 * Commander builds esipay's command tree, its help, its usage errors and its completion, and its
 * loading is about a tenth of `esipay pay` (docs/performance.md). A command declared here (pay,
 * refund, tx list/show/export: what scripts run thousands of times) also runs without commander
 * when its command line is plain: long options of this command or of the program, each once, with
 * a value that does not start with "-", and as many positionals as it takes. Anything else (help,
 * --version, short options, `--`, an unknown or repeated option, a missing or dashed value, a bad
 * choice, a missing or extra argument) is left to commander, so every error and every help page
 * is commander's. test/cli/command-line.test.ts holds that what this parser takes, commander
 * parses to the same values.
 */

/** One option: commander's flags ("--card <number>", "-y, --yes", "--no-color") and its help. */
export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  /** The only values it takes. */
  readonly choices?: readonly string[];
  /** The value the action gets for a text (commander's argParser); the text itself otherwise. */
  readonly parse?: (text: string) => unknown;
  /** The value when the option is not given. */
  readonly default?: string | number | boolean;
}

/** One positional: "<name>" required, "[name]" optional. */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
}

export interface CommandSpec {
  /** The command group it belongs to ("tx" of "tx list"). */
  readonly group?: string;
  readonly name: string;
  readonly args: readonly ArgumentSpec[];
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** Shown after the command's help. */
  readonly helpAfter?: string;
}

/** A command declared as data with its action: src/cli/main.ts runs it from a plain command line. */
export interface PlainCommand {
  readonly spec: CommandSpec;
  readonly run: ActionHandler;
}

/** A plain command line, parsed: what commander would hand the command's action. */
export interface PlainCommandLine {
  /** One entry per declared argument; undefined for an optional one left out. */
  readonly args: (string | undefined)[];
  /** The command's options, by attribute name (commander's `cmd.opts()`). */
  readonly opts: Record<string, unknown>;
  /** The program's options (commander's `program.opts()`). */
  readonly globals: Record<string, string | boolean>;
}

/** What the flags of an option say. */
interface Flags {
  readonly long: string;
  readonly attribute: string;
  readonly takesValue: boolean;
  readonly negate: boolean;
}

function flagsOf(spec: OptionSpec): Flags {
  const long = spec.flags.split(/[ ,|]+/).find((f) => f.startsWith('--'));
  if (!long) throw new Error(`option ${spec.flags} has no long flag`);
  const negate = long.startsWith('--no-');
  const name = negate ? long.slice(5) : long.slice(2);
  return {
    long,
    // As commander names it: "--idempotency-key" is idempotencyKey, "--no-color" is color.
    attribute: name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()),
    takesValue: /<[^>]+>/.test(spec.flags),
    negate,
  };
}

/** The command a command line names: its first word that is not an option or a global option's value. */
export function commandWord(words: readonly string[], globals: readonly OptionSpec[]): string | undefined {
  const withValue = new Set(
    globals
      .map(flagsOf)
      .filter((f) => f.takesValue)
      .map((f) => f.long),
  );
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') return undefined;
    if (withValue.has(word)) i++;
    else if (!word.startsWith('-')) return word;
  }
  return undefined;
}

/**
 * The plain command line `words` (argv without node and the script) names for `spec`, or
 * undefined when it is not plain (commander then parses it, with its help and its errors).
 */
export function parsePlain(words: readonly string[], spec: CommandSpec, globals: readonly OptionSpec[]): PlainCommandLine | undefined {
  const byFlag = (options: readonly OptionSpec[]) =>
    new Map(options.map((o) => ({ spec: o, flags: flagsOf(o) })).map((option) => [option.flags.long, option]));
  const globalFlags = byFlag(globals);
  const commandFlags = byFlag(spec.options);
  const opts: Record<string, unknown> = {};
  const given: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  const seen = new Set<string>();
  // The command's words ("tx", "list"), before its positionals; its options only after them.
  const path = spec.group ? [spec.group, spec.name] : [spec.name];
  let pathSeen = 0;
  let commandSeen = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('-')) {
      if (commandSeen) positionals.push(word);
      else if (word === path[pathSeen]) commandSeen = ++pathSeen === path.length;
      else return undefined;
      continue;
    }
    if (!word.startsWith('--') || word === '--') return undefined;
    const eq = word.indexOf('=');
    const flag = eq === -1 ? word : word.slice(0, eq);
    // The program's options come first wherever they are, as commander reads them.
    const option = globalFlags.get(flag) ?? (commandSeen ? commandFlags.get(flag) : undefined);
    if (!option) return undefined;
    const { attribute, takesValue, negate } = option.flags;
    if (seen.has(attribute)) return undefined;
    seen.add(attribute);
    let value: string | boolean;
    if (!takesValue) {
      if (eq !== -1) return undefined;
      value = !negate;
    } else if (eq !== -1) {
      value = word.slice(eq + 1);
    } else {
      const next = words[i + 1];
      if (next === undefined || next.startsWith('-')) return undefined;
      value = next;
      i++;
    }
    if (option.spec.choices && !option.spec.choices.includes(String(value))) return undefined;
    if (globalFlags.has(flag)) given[attribute] = value;
    else opts[attribute] = option.spec.parse && typeof value === 'string' ? option.spec.parse(value) : value;
  }
  for (const { spec: o, flags } of commandFlags.values()) {
    if (o.default !== undefined && !(flags.attribute in opts)) opts[flags.attribute] = o.default;
  }
  const required = spec.args.filter((a) => a.name.startsWith('<')).length;
  if (!commandSeen || positionals.length < required || positionals.length > spec.args.length) return undefined;
  const args = spec.args.map((_a, i) => positionals[i]);
  return { args, opts, globals: given };
}
