/**
 * Polls `ok` until it holds, for state a test cannot be told about (a worker's write, a delivery
 * seen by another process); never a stand-in for a server's readiness line. Fails naming `what`
 * after `limitMs`; resolves with how long it took.
 */
export async function waitUntil(what: string, limitMs: number, ok: () => boolean | Promise<boolean>, pollMs = 10): Promise<number> {
  const start = Date.now();
  while (!(await ok())) {
    if (Date.now() - start > limitMs) throw new Error(`not within ${limitMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return Date.now() - start;
}
