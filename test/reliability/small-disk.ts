import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The disk under a SQLite `esipay serve` fills up: a small tmpfs of the test's own (mounting it
 * needs root, as CI and this machine have; without it the test fails, it never skips).
 */
export function smallDisk(): { dir: string; fill: () => string; release: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'esipay-disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0755', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the disk-full test mounts a small tmpfs and needs root: ${(e as Error).message}`);
  }
  return {
    dir,
    /** Fills every free byte with one file; returns its path. */
    fill() {
      const filler = join(dir, 'filler');
      const chunk = Buffer.alloc(64 * 1024, 1);
      let size = 0;
      for (;;) {
        try {
          writeFileSync(filler, chunk, { flag: 'a' });
          size += chunk.length;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
          break;
        }
      }
      // The last bytes, in smaller pieces.
      for (const n of [4096, 512, 1]) {
        for (;;) {
          try {
            writeFileSync(filler, Buffer.alloc(n, 1), { flag: 'a' });
            size += n;
          } catch {
            break;
          }
        }
      }
      assert.ok(size > 0, 'the filler took the free space');
      return filler;
    },
    release() {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
