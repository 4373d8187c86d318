import { render } from 'ink';
import type { Engine } from '../engine/engine.js';
import { App } from './App.js';
import { DashboardController } from './model/controller.js';

export interface RunOptions {
  engine: Engine;
  merchant?: string;
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  pollMs?: number;
}

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

/**
 * Runs the dashboard full screen on the streams given until the user quits. The alternate screen
 * keeps the user's scrollback as it was; it is left even when rendering throws.
 */
export async function runDashboard(opts: RunOptions): Promise<void> {
  const controller = new DashboardController({ engine: opts.engine, ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}) });
  opts.stdout.write(ENTER_ALT_SCREEN);
  try {
    const instance = render(<App controller={controller} />, {
      stdout: opts.stdout,
      stdin: opts.stdin,
      exitOnCtrlC: true,
      patchConsole: true,
    });
    void controller.start(opts.merchant);
    await instance.waitUntilExit();
  } finally {
    controller.stop();
    await controller.idle();
    opts.stdout.write(LEAVE_ALT_SCREEN);
  }
}
