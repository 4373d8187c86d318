/** What `npm run bench -- [flags]` can change; the defaults keep the whole run to a few minutes on 2 cores. */
export interface BenchOptions {
  /** Measured window of each throughput run. */
  durationMs: number;
  /** Unmeasured warm-up before each throughput run (JIT, connection pools). */
  warmupMs: number;
  /** Times baseline and esipay each run, taking turns; the best run of each counts. */
  rounds: number;
  /** Requests in flight (HTTP connections for the service). */
  concurrency: number;
  /** Runs of each CLI command; the median counts. */
  cliRuns: number;
  /** Transactions seeded for `esipay tx list`. */
  cliTransactions: number;
  /** Transactions seeded for `esipay tx export` (and a tenth of them, for its memory). */
  exportTransactions: number;
  /** Transactions seeded for the TUI. */
  tuiTransactions: number;
  /** Sections to run (all when empty). */
  only: Set<string>;
  /** PostgreSQL server for the multi-instance section (a temporary database is created on it). */
  postgresUrl: string;
  /** Write node --cpu-prof profiles of the esipay processes into this directory. */
  profileDir: string | null;
  /** Also print the table as Markdown (for docs/performance.md). */
  markdown: boolean;
}

export const SECTIONS = ['embedded', 'service', 'cli', 'export', 'tui', 'instances'] as const;

export function parseOptions(argv: string[]): BenchOptions {
  const o: BenchOptions = {
    durationMs: 5_000,
    warmupMs: 1_000,
    concurrency: 32,
    rounds: 2,
    cliRuns: 10,
    cliTransactions: 10_000,
    exportTransactions: 1_000_000,
    tuiTransactions: 10_000_000,
    only: new Set(),
    postgresUrl: process.env.ESIPAY_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    profileDir: null,
    markdown: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--duration') o.durationMs = positive(flag, value()) * 1000;
    else if (flag === '--warmup') o.warmupMs = Number(value()) * 1000;
    else if (flag === '--rounds') o.rounds = positive(flag, value());
    else if (flag === '--connections') o.concurrency = positive(flag, value());
    else if (flag === '--cli-runs') o.cliRuns = positive(flag, value());
    else if (flag === '--export-transactions') o.exportTransactions = positive(flag, value());
    else if (flag === '--tui-transactions') o.tuiTransactions = positive(flag, value());
    else if (flag === '--only') for (const s of value().split(',')) o.only.add(section(s.trim()));
    else if (flag === '--pg') o.postgresUrl = value();
    else if (flag === '--profile') o.profileDir = value();
    else if (flag === '--markdown') o.markdown = true;
    else if (flag === '--quick') {
      o.durationMs = 2_000;
      o.warmupMs = 500;
      o.cliRuns = 5;
      o.rounds = 1;
      o.tuiTransactions = 100_000;
      o.exportTransactions = 100_000;
    } else if (flag === '--help' || flag === '-h') {
      process.stdout.write(HELP);
      process.exit(0);
    } else throw new Error(`unknown flag ${flag} (see --help)`);
  }
  return o;
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new Error(`${flag} must be a positive number`);
  return n;
}

function section(s: string): string {
  if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`unknown section "${s}": ${SECTIONS.join(', ')}`);
  return s;
}

const HELP = `npm run bench -- [flags]
  --only <sections>        comma-separated: ${SECTIONS.join(', ')} (default: all)
  --duration <s>           measured seconds per throughput run (default 5)
  --warmup <s>             warm-up seconds before each run (default 1)
  --rounds <n>             runs of each side, taking turns, best kept (default 2)
  --connections <n>        requests in flight / HTTP connections (default 32)
  --cli-runs <n>           runs per CLI command, median kept (default 10)
  --tui-transactions <n>   transactions seeded for the TUI (default 10000000)
  --export-transactions <n> transactions seeded for tx export (default 1000000; a tenth more for its memory)
  --pg <url>               PostgreSQL server for the instances section (default ESIPAY_BENCH_PG or postgres://postgres@127.0.0.1:5432/postgres)
  --profile <dir>          write node --cpu-prof profiles of esipay processes there
  --markdown               also print the table as Markdown
  --quick                  shorter runs, for trying the bench itself
Writes bench/results.json.
`;
