import type { Command, Option } from 'commander';
import type { CommandSpec, OptionSpec } from './command-line.js';

/**
 * A command or an option declared as data (src/cli/command-line.ts), in commander. Types only
 * from commander: a command module that declares itself this way loads without it, so the plain
 * command line of src/cli/main.ts runs it without commander.
 */
export function declareCommand(parent: Command, spec: CommandSpec): Command {
  const cmd = parent.command(spec.name).description(spec.description);
  for (const arg of spec.args) cmd.argument(arg.name, arg.description);
  for (const option of spec.options) cmd.addOption(declareOption(cmd, option));
  if (spec.helpAfter) cmd.addHelpText('after', spec.helpAfter);
  return cmd;
}

export function declareOption(cmd: Command, spec: OptionSpec): Option {
  const option = cmd.createOption(spec.flags, spec.description);
  if (spec.choices) option.choices(spec.choices);
  if (spec.parse) option.argParser(spec.parse);
  if (spec.default !== undefined) option.default(spec.default);
  return option;
}
