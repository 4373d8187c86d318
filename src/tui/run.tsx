import { render } from 'ink';
import { App } from './App.js';
import type { DashboardController } from './model/controller.js';

/**
 * Ink's part of the dashboard (dashboard.ts runs it): the React view of a started controller, on
 * the streams given, until the user quits.
 */
export async function renderDashboard(
  controller: DashboardController,
  streams: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream },
): Promise<void> {
  const instance = render(<App controller={controller} />, {
    stdout: streams.stdout,
    stdin: streams.stdin,
    exitOnCtrlC: true,
    patchConsole: true,
  });
  await instance.waitUntilExit();
}
