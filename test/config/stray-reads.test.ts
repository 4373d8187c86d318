import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { isEnvName } from '../../src/config/env.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('ESIPAY_* variables are read in one place', () => {
  const files = sources(SRC).map((path) => ({ path: path.slice(SRC.length), text: readFileSync(path, 'utf8') }));

  it('no module outside src/config/ reads one from an environment object', () => {
    const reads = files
      .filter((f) => !f.path.startsWith('config/'))
      .flatMap((f) => [...f.text.matchAll(/\benv(\.|\[\s*['"`])ESIPAY_\w*/gi)].map((m) => `${f.path}: ${m[0]}`));
    assert.deepEqual(reads, []);
  });

  it('every ESIPAY_* name the code mentions (hints, help, messages) is a declared variable', () => {
    const unknown = files.flatMap((f) =>
      [...f.text.matchAll(/\bESIPAY_[A-Z0-9_]*[A-Z0-9]\b/g)]
        .map((m) => m[0])
        .filter((n) => !isEnvName(n))
        .map((n) => `${f.path}: ${n}`),
    );
    assert.deepEqual(unknown, []);
  });
});
