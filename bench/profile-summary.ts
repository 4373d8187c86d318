import { readFileSync } from 'node:fs';

/**
 * `node dist/bench/profile-summary.js <file.cpuprofile> [rows]`: where a `node --cpu-prof`
 * profile spent its time, by file (packages folded into one line each) and by function, as
 * shares of the samples. What docs/performance.md's profiling notes were read from.
 */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsText] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node dist/bench/profile-summary.js <file.cpuprofile> [rows]\n');
  process.exit(2);
}
const rows = Number(rowsText ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfTime = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  selfTime.set(id, (selfTime.get(id) ?? 0) + dt);
  total += dt;
});

const short = (url: string) =>
  url
    .replace(/^.*node_modules\/((?:@[^/]+\/)?[^/]+)\/.*$/, 'npm:$1')
    .replace(/^file:\/\/.*?\/dist\//, '')
    .replace(/^file:\/\//, '');
const detailed = (url: string) =>
  url
    .replace(/^.*node_modules\//, 'npm:')
    .replace(/^file:\/\/.*?\/dist\//, '')
    .replace(/^file:\/\//, '');
const byFile = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, t] of selfTime) {
  const f = byId.get(id)!.callFrame;
  const where = f.url ? short(f.url) : `(${f.functionName})`;
  byFile.set(where, (byFile.get(where) ?? 0) + t);
  const fn = `${f.functionName || '(anonymous)'} ${f.url ? `${detailed(f.url)}:${f.lineNumber + 1}` : where}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + t);
}
const lines: string[] = [`${file}: ${(total / 1000).toFixed(0)} ms sampled`];
const print = (title: string, m: Map<string, number>) => {
  lines.push(title);
  for (const [name, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, rows))
    lines.push(`${((100 * t) / total).toFixed(1).padStart(6)}%  ${name}`);
};
print('by file', byFile);
print('by function', byFunction);
process.stdout.on('error', () => undefined); // a closed pipe (| head) is not an error here
process.stdout.write(lines.join('\n') + '\n');
