// Preloaded with --import by the export bench: the process's peak resident set size (the kernel's
// figure, getrusage ru_maxrss, KiB) and CPU time (user + system, µs) on stderr as it exits.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\nUSAGE ${JSON.stringify({ maxRssKiB: u.maxRSS, cpuUs: u.userCPUTime + u.systemCPUTime })}\n`);
});
