import { readFileSync } from 'node:fs';

// Preloaded with --import by the export bench: the process's peak resident set size (KiB) and CPU
// time (user + system, µs) on stderr as it exits. The peak is /proc's VmHWM, this program's own:
// getrusage's ru_maxrss survives exec on Linux, so a child of a big parent (the bench process
// after seeding a million rows) would report the parent's peak.
process.on('exit', () => {
  const u = process.resourceUsage();
  let peakKiB = u.maxRSS;
  try {
    peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? peakKiB);
  } catch {
    // no /proc: ru_maxrss it is
  }
  process.stderr.write(`\nUSAGE ${JSON.stringify({ maxRssKiB: peakKiB, cpuUs: u.userCPUTime + u.systemCPUTime })}\n`);
});
