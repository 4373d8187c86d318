import type { Argument, Command, Option } from 'commander';
import type { TxKind } from '../domain/types.js';
import { TX_STATUSES } from '../engine/transaction-filters.js';
import { commandPath } from './help.js';
import { ENV_VARS } from '../config/env.js';
import { localMerchants } from './complete-merchants.js';
import { CONFIG_KEYS, isConfigKey } from './settings.js';

/**
 * Shell completion, answered by the command tree itself (`esipay __complete WORD… CURRENT`, which
 * the scripts of `esipay completion` call): what may come at the cursor given the words before
 * it. It walks the words as commander parses them (global options anywhere, an option's value is
 * not a command, `--opt=value`, `--`), so it completes after positionals and option values too.
 */
export interface Candidate {
  value: string;
  description?: string;
}

/** Where the completed words leave the parse. */
export interface Position {
  /** The deepest command the words name. */
  cmd: Command;
  /** The positional arguments given to it. */
  positionals: string[];
  /** The option whose value the next word is. */
  pending?: Option;
  /** Whether that option already has a value (a variadic one takes more, or an option next). */
  pendingFilled: boolean;
  /** After `--`: every word is a positional. */
  endOfOptions: boolean;
}

/** Values of the options that take one of a few words but declare no choices (lists, mostly). */
const KINDS: Record<TxKind, true> = { card: true, initial: true, shipment: true, link: true };
const OPTION_VALUES: Readonly<Record<string, { values: readonly string[]; list?: boolean }>> = {
  'tx list --kind': { values: Object.keys(KINDS), list: true },
  'tx list --status': { values: TX_STATUSES, list: true },
  'tx export --kind': { values: Object.keys(KINDS), list: true },
  'tx export --status': { values: TX_STATUSES, list: true },
};

/** Values of positional arguments that declare no choices: the config keys and their values. */
const configKeys = () => Object.keys(CONFIG_KEYS);
const configValues = (key: string | undefined): readonly string[] =>
  key !== undefined && isConfigKey(key) ? ((ENV_VARS[CONFIG_KEYS[key].env] as { values?: readonly string[] }).values ?? []) : [];
const firstIsMerchant = (given: readonly string[], words: readonly string[]) => (given.length === 0 ? localMerchants(words) : []);
const ARGUMENT_VALUES: Readonly<Record<string, (given: readonly string[], words: readonly string[]) => readonly string[]>> = {
  'config get': (given) => (given.length === 0 ? configKeys() : []),
  'config unset': (given) => (given.length === 0 ? configKeys() : []),
  'config set': (given) => (given.length === 0 ? configKeys() : given.length === 1 ? configValues(given[0]) : []),
  'merchant show': firstIsMerchant,
  'merchant update': firstIsMerchant,
  'merchant disable': firstIsMerchant,
  'merchant enable': firstIsMerchant,
  'merchant rotate-secret': firstIsMerchant,
};

/** The command's options, then its ancestors' (global options work at any depth), each once. */
function optionsAt(cmd: Command): Option[] {
  const seen = new Set<string>();
  const out: Option[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) {
    for (const o of c.options) {
      const flag = o.long ?? o.short ?? '';
      if (c !== cmd && flag === '--version') continue; // esipay --version, not esipay pay --version
      if (!seen.has(flag)) out.push(o);
      seen.add(flag);
    }
  }
  return out;
}

function findOption(cmd: Command, flag: string): Option | undefined {
  return optionsAt(cmd).find((o) => o.long === flag || o.short === flag);
}

const takesValue = (o: Option) => o.required || o.optional;

/** Walks the completed words (everything before the cursor's word). */
export function walk(program: Command, words: readonly string[]): Position {
  const pos: Position = { cmd: program, positionals: [], endOfOptions: false, pendingFilled: false };
  for (const word of words) {
    const pending = pos.pending;
    pos.pending = undefined;
    // As commander reads values: a required one is the next word whatever it is; an optional
    // one, or the further values of a variadic one (--secret a b), any word but an option.
    if (pending && !(pending.optional && word.startsWith('-'))) {
      if (!pending.variadic) continue;
      if (!word.startsWith('-')) {
        pos.pending = pending;
        pos.pendingFilled = true;
        continue;
      }
    }
    if (!pos.endOfOptions && word === '--') pos.endOfOptions = true;
    else if (!pos.endOfOptions && word.startsWith('-') && word !== '-') {
      const option = word.includes('=') ? undefined : findOption(pos.cmd, word);
      if (option && takesValue(option)) {
        pos.pending = option;
        pos.pendingFilled = false;
      }
    } else {
      const sub = pos.positionals.length === 0 ? pos.cmd.commands.find((c) => c.name() === word || c.aliases().includes(word)) : undefined;
      if (sub) pos.cmd = sub;
      else pos.positionals.push(word);
    }
  }
  return pos;
}

function optionValues(cmd: Command, option: Option, words: readonly string[]): { values: readonly string[]; list: boolean } {
  if (option.long === '--merchant') return { values: localMerchants(words), list: false };
  const declared = OPTION_VALUES[`${commandPath(cmd)} ${option.long}`];
  if (declared) return { values: declared.values, list: declared.list ?? false };
  return { values: option.argChoices ?? [], list: false };
}

/** Values for a word that may be a comma-separated list: complete its last item. */
function valueCandidates(values: readonly string[], list: boolean, current: string, prefix = ''): Candidate[] {
  const head = list && current.includes(',') ? current.slice(0, current.lastIndexOf(',') + 1) : '';
  const taken = new Set(head.split(',').filter(Boolean));
  return values.filter((v) => !taken.has(v)).map((v) => ({ value: `${prefix}${head}${v}` }));
}

function optionCandidates(cmd: Command): Candidate[] {
  const options: Candidate[] = optionsAt(cmd)
    .filter((o) => !o.hidden)
    .map((o) => ({ value: o.long ?? o.short ?? '', description: o.description }));
  options.push({ value: '--help', description: 'display help for command' });
  return options;
}

function argumentCandidates(pos: Position, words: readonly string[]): Candidate[] | undefined {
  const args: readonly Argument[] = pos.cmd.registeredArguments;
  const index = pos.positionals.length;
  const arg = args[Math.min(index, args.length - 1)];
  if (!arg || (index >= args.length && !arg.variadic)) return undefined;
  const custom = ARGUMENT_VALUES[commandPath(pos.cmd)];
  return (custom ? custom(pos.positionals, words) : (arg.argChoices ?? [])).map((value) => ({ value }));
}

/** What may be typed at the cursor: `words` are the words after `esipay`, the last one being completed. */
export function complete(program: Command, words: readonly string[]): Candidate[] {
  const current = words.at(-1) ?? '';
  const pos = walk(program, words.slice(0, -1));
  let candidates: Candidate[];
  // After an optional value, or a variadic option's first value, an option may come instead.
  const optionMayFollow = pos.pending && (pos.pending.optional || pos.pendingFilled) && current.startsWith('-');
  if (pos.pending && !optionMayFollow) {
    const { values, list } = optionValues(pos.cmd, pos.pending, words);
    candidates = valueCandidates(values, list, current);
  } else if (!pos.endOfOptions && current.startsWith('--') && current.includes('=')) {
    const flag = current.slice(0, current.indexOf('='));
    const option = findOption(pos.cmd, flag);
    const values = option && takesValue(option) ? optionValues(pos.cmd, option, words) : { values: [], list: false };
    candidates = valueCandidates(values.values, values.list, current.slice(flag.length + 1), `${flag}=`);
  } else if (!pos.endOfOptions && current.startsWith('-')) {
    candidates = optionCandidates(pos.cmd);
  } else if (pos.cmd.commands.length > 0 && pos.positionals.length === 0) {
    candidates = pos.cmd.commands.map((c) => ({ value: c.name(), description: c.description() }));
  } else {
    // The command's next argument when it has values to offer; its options once its arguments are given.
    candidates = argumentCandidates(pos, words) ?? (pos.endOfOptions ? [] : optionCandidates(pos.cmd));
  }
  const seen = new Set<string>();
  return candidates.filter((c) => c.value.startsWith(current) && !seen.has(c.value) && seen.add(c.value));
}
