import type { Engine } from '../engine/engine.js';
import { CLEAR_SCREEN, firstFrameLines, firstFrameText } from './first-frame.js';
import { DashboardController } from './model/controller.js';

export interface DashboardOptions {
  engine: Engine;
  merchant?: string;
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  pollMs?: number;
  /** Whether the first frame is styled (Ink's own colours follow FORCE_COLOR, NO_COLOR, --no-color). */
  colors: boolean;
}

/** How long the first screen may take to be read and painted before Ink is loaded anyway (ms). */
const FIRST_SCREEN_WAIT_MS = 400;
const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

/**
 * Runs the dashboard full screen until the user quits. The merchant's first rows, totals and
 * counts are read before Ink and React load (for FIRST_SCREEN_WAIT_MS at most), each painted at
 * once as plain terminal text (first-frame.ts): on a small machine Ink alone takes most of a
 * second to draw anything, the rows a few tens of milliseconds. Ink then takes the screen over
 * with the same controller, so its first frame shows the same rows, selection and totals. The alternate screen keeps the user's scrollback
 * as it was; it is left even when rendering throws.
 */
export async function runDashboard(opts: DashboardOptions): Promise<void> {
  const controller = new DashboardController({ engine: opts.engine, ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}) });
  opts.stdout.write(ENTER_ALT_SCREEN);
  // Keys typed before Ink runs wait for it, unechoed over the first frame (Ink reads them, q and
  // Ctrl-C included, once it starts).
  if (opts.stdin.isTTY) opts.stdin.setRawMode(true);
  let inkStarted = false;
  let painted = false;
  let paintFailed: { error: unknown } | undefined;
  const paint = () => {
    const state = controller.getState();
    if (inkStarted || state.mode.name !== 'list' || !state.merchant || state.readFailed || state.entries.length === 0) return;
    try {
      const lines = firstFrameLines(state, opts.stdout.columns || 80, opts.stdout.rows || 24, controller.now());
      opts.stdout.write(firstFrameText(lines, opts.colors));
      painted = true;
    } catch (error) {
      // A bug, said when the dashboard closes: Ink's frames replace whatever was drawn.
      paintFailed ??= { error };
    }
  };
  // Each change before Ink runs (the rows, then the totals, then the counts) is painted again.
  const unsubscribe = controller.subscribe(paint);
  try {
    // Not awaited: a failed read is the controller's to show (its message line, once Ink draws).
    const started = controller.start(opts.merchant);
    // Loading Ink takes the thread for most of a second: the first screen is given a moment to be
    // read and painted first (a local engine reads the rows, totals and counts in a few tens of
    // milliseconds); a slower engine (remote, busy) gets Ink's "reading…" meanwhile.
    await firstScreenRead(controller, started);
    const { renderDashboard } = await import('./run.js');
    inkStarted = true;
    unsubscribe();
    // Ink draws from where the cursor is and leaves what it does not overwrite: its first frame
    // starts from a cleared screen, in the same write, so the screen is never seen blank.
    if (painted) clearBeforeFirstFrame(opts.stdout);
    await renderDashboard(controller, opts);
    await started;
    if (paintFailed) throw paintFailed.error;
  } finally {
    unsubscribe();
    controller.stop();
    await controller.idle();
    if (opts.stdin.isTTY) opts.stdin.setRawMode(false);
    opts.stdout.write(LEAVE_ALT_SCREEN);
  }
}

/** Resolves once the list, the totals and the counts are read (or failed, or a picker opened), or after FIRST_SCREEN_WAIT_MS. */
function firstScreenRead(controller: DashboardController, started: Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      const s = controller.getState();
      return (
        s.mode.name !== 'list' ||
        Boolean(s.readFailed) ||
        (!s.loading && s.merchant !== undefined && s.totals !== undefined && s.summary !== undefined)
      );
    };
    const finish = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(finish, FIRST_SCREEN_WAIT_MS);
    const unsubscribe = controller.subscribe(() => {
      if (done()) finish();
    });
    // A start that changes nothing more (no merchant to read) ends the wait too.
    void started.then(() => {
      if (done()) finish();
    });
  });
}

/** The next write holding a frame (several lines) begins with CLEAR_SCREEN. */
function clearBeforeFirstFrame(stdout: NodeJS.WriteStream): void {
  const write = stdout.write;
  stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === 'string' && chunk.includes('\n')) {
      stdout.write = write;
      chunk = CLEAR_SCREEN + chunk;
    }
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof stdout.write;
}
