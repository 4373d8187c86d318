import { execFileSync } from 'node:child_process';
import type { Terminal, TerminalOptions } from './base.js';
import { PtyTerminal } from './pty.js';
import { TmuxTerminal } from './tmux.js';

export type { Terminal, TerminalOptions } from './base.js';

/**
 * `esipay ARGS` in a real terminal: tmux when it is installed (CI installs it), else a
 * pseudo-terminal through util-linux's script (./pty.ts). ESIPAY_TEST_TERMINAL=tmux or pty
 * chooses one; either way the test's assertions are the same.
 */
export function openTerminal(args: string[], opts: TerminalOptions): Terminal {
  return terminalKind() === 'tmux' ? new TmuxTerminal(args, opts) : new PtyTerminal(args, opts);
}

let kind: 'tmux' | 'pty' | undefined;
function terminalKind(): 'tmux' | 'pty' {
  const chosen = process.env.ESIPAY_TEST_TERMINAL;
  if (chosen === 'tmux' || chosen === 'pty') return chosen;
  if (chosen) throw new Error(`ESIPAY_TEST_TERMINAL is tmux or pty, not '${chosen}'`);
  if (kind === undefined) {
    try {
      execFileSync('tmux', ['-V'], { stdio: 'ignore' });
      kind = 'tmux';
    } catch {
      kind = 'pty';
    }
  }
  return kind;
}

/** Which one openTerminal uses, for a test's name. */
export const terminalName = () => (terminalKind() === 'tmux' ? 'tmux' : 'a pty through script');
