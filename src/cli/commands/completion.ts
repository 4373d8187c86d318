import { Argument, type Command } from 'commander';
import { action } from '../run-action.js';

/**
 * Completion scripts. Each is a small loader that asks `esipay __complete` (src/cli/complete.ts)
 * for the candidates at the cursor, so the command tree answers itself: a script loaded with
 * `eval "$(esipay completion bash)"` never goes stale, and neither does a saved copy.
 */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(Object.keys(SCRIPTS)))
    .description('print the completion script of a shell; load it from its rc file (see the examples)')
    .action(
      action(async (ctx, shell: string) => {
        ctx.out.stdout.write(SCRIPTS[shell as keyof typeof SCRIPTS]);
      }),
    );
}

const BASH = `# esipay bash completion: the candidates come from \`esipay __complete\`, so they never go stale.
# Load it from ~/.bashrc with:  eval "$(esipay completion bash)"
_esipay() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" line c
  local -a words candidates
  # The words up to the cursor, split on blanks only: bash's own split cuts --opt=value at '='.
  line="\${COMP_LINE:0:COMP_POINT}"
  read -ra words <<< "$line"
  [[ -z "$line" || "$line" =~ [[:space:]]$ ]] && words+=("")
  local IFS=$'\\n'
  candidates=($(esipay __complete "\${words[@]:1}" 2>/dev/null))
  COMPREPLY=()
  for c in "\${candidates[@]}"; do COMPREPLY+=("\${c%%$'\\t'*}"); done
  # Where '=' breaks words, bash completes only what follows it: offer that part.
  local last="\${words[\${#words[@]}-1]}"
  if [[ "$last" == *=* && "$cur" != "$last" ]]; then
    COMPREPLY=("\${COMPREPLY[@]#"\${last%%=*}="}")
    [[ "$cur" == "=" ]] && COMPREPLY=("\${COMPREPLY[@]/#/=}")
  fi
  return 0
}
complete -o default -F _esipay esipay
`;

const ZSH = `#compdef esipay
# esipay zsh completion: the candidates come from \`esipay __complete\`, so they never go stale.
# Load it from ~/.zshrc, after compinit, with:  eval "$(esipay completion zsh)"
# (or save it as _esipay in a directory of $fpath).
_esipay() {
  local -a lines candidates
  local line
  lines=("\${(@f)$(esipay __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  for line in "\${lines[@]}"; do
    [[ -z "$line" ]] && continue
    if [[ "$line" == *$'\\t'* ]]; then
      candidates+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
    else
      candidates+=("\${line//:/\\\\:}")
    fi
  done
  if (( \${#candidates} )); then
    _describe -t esipay 'esipay' candidates
  else
    _files
  fi
}
if [[ "\${funcstack[1]}" == _esipay ]]; then
  _esipay "$@"
elif (( \${+functions[compdef]} )); then
  compdef _esipay esipay
else
  print -u2 'esipay completion: load compinit first (autoload -Uz compinit && compinit)'
fi
`;

const FISH = `# esipay fish completion: the candidates come from \`esipay __complete\`, so they never go stale.
# Load it from ~/.config/fish/config.fish with:  esipay completion fish | source
function __esipay_complete
    set -l current (commandline -ct)
    set -l out (esipay __complete (commandline -opc)[2..-1] "$current" 2>/dev/null)
    if test (count $out) -eq 0
        __fish_complete_path "$current"
    else
        printf '%s\\n' $out
    end
end
complete -c esipay -f -a '(__esipay_complete)'
`;

const SCRIPTS = { bash: BASH, zsh: ZSH, fish: FISH };
