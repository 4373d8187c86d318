import { fileURLToPath } from 'node:url';

/**
 * Where things are, from the compiled bench (dist/bench/lib/paths.js): the repository root, the
 * CLI binary a user runs, and the bench's child scripts.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../../bin/esipay.js', import.meta.url));
export const RESULTS_FILE = fileURLToPath(new URL('../../../bench/results.json', import.meta.url));

/** A compiled child script of dist/bench/children/. */
export function childScript(name: string): string {
  return fileURLToPath(new URL(`../children/${name}.js`, import.meta.url));
}
