import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU time (user + system, all threads) a process has used so far, from /proc on Linux; null
 * elsewhere. Throughput on a shared 2-core machine moves with whatever else runs; CPU time per
 * request moves much less, so the table's notes give it beside each service figure.
 */
let ticksPerSecond: number | undefined;

export function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    // Fields after "pid (comm) ": state is [0], utime [11], stime [12].
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return null;
  }
}
