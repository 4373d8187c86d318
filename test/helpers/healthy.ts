/**
 * Resolves once `${url}/healthz` answers 200, polling it: waiting on readiness, not a fixed sleep.
 * Throws when it did not within limitMs (a bound the caller promises, such as "serves again
 * within 10 s of a failover").
 */
export async function waitForHealthy(url: string, limitMs = 30_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  for (;;) {
    const r = await fetch(`${url}/healthz`).catch(() => undefined);
    if (r?.status === 200) return;
    if (performance.now() > deadline) throw new Error(`${url}/healthz did not answer 200 within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
