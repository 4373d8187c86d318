#!/usr/bin/env node
// esipay's entry point. Kept tiny: --version answers without loading anything else.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`esipay needs Node.js 22 or newer (this is ${process.version}); install Node 24 LTS.\n`);
  process.exit(5);
}
// node:fs without its ESM facade (`import … from 'node:fs'` evaluates fs.promises and the fs
// streams: about 4 ms of `esipay --version`); getBuiltinModule is Node ≥ 22.3.
const { readFileSync } = process.getBuiltinModule?.('node:fs') ?? (await import('node:fs'));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(version + '\n');
} else {
  // Node keeps the compiled code of esipay's modules on disk (in the temp directory) and reuses
  // it on the next run: every command starts about 10% faster (docs/performance.md).
  process.getBuiltinModule?.('node:module')?.enableCompileCache?.();
  const { main } = await import('../dist/src/cli/main.js');
  await main(process.argv, version);
}
