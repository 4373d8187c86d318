import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { type Browser, chromium } from 'playwright-core';

/**
 * The Chromium the browser tests drive, the first of: ESIPAY_TEST_CHROMIUM; Debian's
 * /usr/bin/chromium; the one inside the npm package @sparticuz/chromium (a devDependency), which
 * extracts itself to $TMPDIR/chromium on first use (about 2 s, 209 MB) and is given the NSS,
 * NSPR and expat libraries that package ships too (a fresh Debian has no libnss3).
 */
export interface ChromiumBinary {
  executablePath: string;
  /** Where it came from, for messages. */
  source: string;
  /** Variables the binary needs beyond the test's own. */
  env: Record<string, string>;
}

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const FIX =
  'Fix: apt-get install chromium, or set ESIPAY_TEST_CHROMIUM to a Chromium or Chrome binary, or run npm ci (it installs @sparticuz/chromium).';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findChromium(): Promise<ChromiumBinary> {
  const chosen = process.env.ESIPAY_TEST_CHROMIUM;
  if (chosen) {
    if (!executable(chosen)) throw new Error(`ESIPAY_TEST_CHROMIUM=${chosen} is not an executable file. ${FIX}`);
    return { executablePath: chosen, source: 'ESIPAY_TEST_CHROMIUM', env: {} };
  }
  if (executable(DEBIAN_CHROMIUM)) return { executablePath: DEBIAN_CHROMIUM, source: DEBIAN_CHROMIUM, env: {} };
  return npmChromium();
}

async function npmChromium(): Promise<ChromiumBinary> {
  let sparticuz: typeof import('@sparticuz/chromium').default;
  try {
    sparticuz = (await import('@sparticuz/chromium')).default;
  } catch (e) {
    throw new Error(
      `no Chromium: ESIPAY_TEST_CHROMIUM is unset, ${DEBIAN_CHROMIUM} is absent and @sparticuz/chromium is not installed (${(e as Error).message}). ${FIX}`,
    );
  }
  const executablePath = await sparticuz.executablePath();
  const lib = bundledLibraries();
  return {
    executablePath,
    source: '@sparticuz/chromium',
    env: {
      LD_LIBRARY_PATH: [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_PATH: join(tmpdir(), 'fonts'),
    },
  };
}

/**
 * The shared libraries @sparticuz/chromium ships for its Chromium (bin/al2023.tar.br: libnss3,
 * libnspr4, libexpat…), extracted once to $TMPDIR/esipay-chromium-libs/lib. The package itself
 * only extracts them on Amazon Linux; on Debian they are otherwise packages to install.
 */
function bundledLibraries(): string {
  const target = join(tmpdir(), 'esipay-chromium-libs');
  const lib = join(target, 'lib');
  if (existsSync(lib)) return lib;
  const archive = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', 'bin', 'al2023.tar.br');
  // Extracted beside the target then renamed: a test that runs at the same time never sees half of it.
  const staging = mkdtempSync(`${target}-`);
  try {
    execFileSync('tar', ['-x', '-C', staging], { input: brotliDecompressSync(readFileSync(archive)) });
    renameSync(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(lib)) throw e;
  }
  return lib;
}

/** Launches the Chromium findChromium picks; a failure says which binary, why and what to do. */
export async function launchChromium(args: string[]): Promise<Browser> {
  const binary = await findChromium();
  try {
    return await chromium.launch({ executablePath: binary.executablePath, args, env: { ...process.env, ...binary.env } });
  } catch (e) {
    throw new Error(`Chromium ${binary.executablePath} (from ${binary.source}) did not start: ${(e as Error).message}\n${FIX}`);
  }
}
