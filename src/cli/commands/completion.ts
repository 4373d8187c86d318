import type { Command } from 'commander';
import { invalid } from '../../domain/errors.js';
import { action } from '../run-action.js';

/** Completion scripts generated from the command tree itself, so they never go stale. */
export function registerCompletion(program: Command): void {
  program
    .command('completion <shell>')
    .description('print a completion script: bash, zsh or fish (e.g. esipay completion bash >> ~/.bashrc)')
    .action(
      action(async (ctx, shell: string) => {
        const tree = commandTree(program);
        let script: string;
        if (shell === 'bash') script = bash(tree);
        else if (shell === 'zsh') script = `autoload -U +X bashcompinit && bashcompinit\n${bash(tree)}`;
        else if (shell === 'fish') script = fish(tree);
        else throw invalid('invalid_shell', `unknown shell "${shell}"`, 'use bash, zsh or fish');
        ctx.out.stdout.write(script);
      }),
    );
}

interface Node {
  name: string;
  options: string[];
  children: Node[];
}

function commandTree(cmd: Command): Node {
  return {
    name: cmd.name(),
    options: cmd.options.map((o) => o.long ?? o.short ?? '').filter(Boolean),
    children: cmd.commands.map(commandTree),
  };
}

function bash(root: Node): string {
  const cases: string[] = [];
  const walk = (n: Node, path: string[]) => {
    const words = [...n.children.map((c) => c.name), ...n.options, ...root.options].join(' ');
    cases.push(`    "${path.join(' ')}") opts="${words}" ;;`);
    for (const c of n.children) walk(c, [...path, c.name]);
  };
  walk(root, []);
  return `# esipay bash completion
_esipay() {
  local cur path="" w opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in -*) ;; *) path="\${path:+$path }$w" ;; esac
  done
  case "$path" in
${cases.join('\n')}
    *) opts="" ;;
  esac
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -o default -F _esipay esipay
`;
}

function fish(root: Node): string {
  const lines = ['# esipay fish completion', 'complete -c esipay -f'];
  for (const c of root.children) {
    lines.push(`complete -c esipay -n '__fish_use_subcommand' -a '${c.name}'`);
    for (const g of c.children) lines.push(`complete -c esipay -n '__fish_seen_subcommand_from ${c.name}' -a '${g.name}'`);
  }
  for (const o of root.options) if (o.startsWith('--')) lines.push(`complete -c esipay -l '${o.slice(2)}'`);
  return lines.join('\n') + '\n';
}
