import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** scripts/demo.sh, as the README tells a new user to run it. */
const DEMO = fileURLToPath(new URL('../../../scripts/demo.sh', import.meta.url));

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The ESIPAY_HOME the script announced on its first line. */
  home: string;
}

function runDemo(tmp: string, env: Record<string, string> = {}): Promise<DemoRun> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ESIPAY_') && k !== 'KEEP') base[k] = v;
  // This node (≥ 22) first on PATH, so scripts/use-node.sh has nothing to install.
  Object.assign(base, { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, TMPDIR: tmp, NO_COLOR: '1' }, env);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [DEMO], { env: base, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const home = /data in (\S+)\)/.exec(stdout)?.[1] ?? '';
      resolve({ code, stdout, stderr, home });
    });
  });
}

/** Processes still running with the demo's ESIPAY_HOME in their environment (what it started). */
function processesOf(home: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (environ.includes(`ESIPAY_HOME=${home}`)) found.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

describe('scripts/demo.sh', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'esipay-demo-test-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('registers, pays, refunds and lists, then leaves no receiver running and no temporary home', async () => {
    const r = await runDemo(tmp);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^merchant [0-9a-f-]{36}$/m);
    assert.match(r.stdout, /^PAID {2}74\.12 EUR {2}card/m);
    assert.match(r.stdout, /^Refunded 10\.00 EUR /m);
    assert.match(r.stdout, /^Refunded 64\.12 EUR /m);
    assert.match(r.stdout, /\(exit 4: declined\)/);
    assert.match(r.stdout, /^DATE +ID +CID +KIND +STATUS +AMOUNT +REFUNDED +REMAINING/m);
    assert.match(r.stdout, /POST \/paid type=card amount=74\.12 .* signature valid {2}→ 200/);
    assert.ok(r.home.startsWith(tmp), `the home is a temporary directory: ${r.home}`);
    assert.equal(existsSync(r.home), false, 'the temporary home is removed');
    assert.deepEqual(processesOf(r.home), [], 'nothing it started is still running');
  });

  it('KEEP=1 keeps the home and says where', async () => {
    const r = await runDemo(tmp, { KEEP: '1' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`kept the demo's home: ${r.home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(existsSync(join(r.home, 'listen.log')));
    assert.deepEqual(processesOf(r.home), []);
    rmSync(r.home, { recursive: true, force: true });
  });

  it('a receiver that cannot start ends the demo at once with its output, and cleans up', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = await runDemo(tmp, { PORT: String(port) });
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`the return-URL receiver \\(esipay listen --port ${port}\\) exited before it was ready`));
      assert.match(r.stderr, /already in use/);
      assert.equal(existsSync(r.home), false);
      assert.deepEqual(processesOf(r.home), []);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
