import { benchEmbedded } from './sections/embedded.js';
import { benchService } from './sections/service.js';
import { benchCli } from './sections/cli.js';
import { benchExport } from './sections/export.js';
import { benchTui } from './sections/tui.js';
import { benchInstances } from './sections/instances.js';
import { hasServe } from './lib/esipay.js';
import { parseOptions, SECTIONS } from './options.js';
import { RESULTS_FILE } from './lib/paths.js';
import { machine, markdownTable, notRun, type Row, tableLines, writeResults } from './lib/report.js';

/**
 * `npm run bench`: every section in turn, each figure beside its baseline from this same run,
 * then the table on stdout and bench/results.json. Progress goes to stderr.
 */
const opts = parseOptions(process.argv.slice(2));
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
const startedAt = new Date().toISOString();
const m = machine();
log(`${m.cpus} × ${m.cpuModel}, ${m.memoryGB} GB, Node ${m.node}`);

type Section = (typeof SECTIONS)[number];
const runners: Record<Section, () => Promise<Row[]>> = {
  embedded: () => benchEmbedded(opts, log),
  service: async () => (hasServe() ? benchService(opts, log) : [notRun('service', 'all', '`esipay serve` is not in this checkout yet')]),
  cli: () => benchCli(opts, log),
  export: () => benchExport(opts, log),
  tui: () => benchTui(opts, log),
  instances: async () =>
    hasServe() ? benchInstances(opts, log) : [notRun('instances', 'all', '`esipay serve` is not in this checkout yet')],
};

const rows: Row[] = [];
for (const name of SECTIONS) {
  if (opts.only.size > 0 && !opts.only.has(name)) continue;
  try {
    rows.push(...(await runners[name]()));
  } catch (e) {
    log(`${name} failed: ${(e as Error).stack}`);
    rows.push(notRun(name, 'all', `failed: ${(e as Error).message.split('\n')[0]}`));
  }
}

process.stdout.write('\n' + tableLines(rows).join('\n') + '\n');
if (opts.markdown)
  process.stdout.write(`\n${markdownTable(rows)}\n\n${m.cpus} × ${m.cpuModel}, ${m.memoryGB} GB, Node ${m.node}, ${startedAt}\n`);
writeResults(RESULTS_FILE, {
  startedAt,
  finishedAt: new Date().toISOString(),
  options: { ...opts, only: [...opts.only] },
  rows,
});
log(`wrote ${RESULTS_FILE}`);
