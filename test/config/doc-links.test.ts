import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// A clone holds only this repository: a link in the README or docs/ that points outside it (or at a
// file that moved) is a dead end for the reader.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];

/** Relative targets of Markdown links `[text](target)`, without their #fragment. */
function relativeLinks(markdown: string): string[] {
  const targets = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  return targets.filter((t) => !/^[a-z]+:/i.test(t) && !t.startsWith('#')).map((t) => t.split('#')[0]!);
}

describe('README and docs/: links resolve inside a clone', () => {
  for (const doc of documents) {
    it(`${doc}: every relative link names a file of the repository`, () => {
      const text = readFileSync(join(root, doc), 'utf8');
      for (const target of relativeLinks(text)) {
        const path = join(root, dirname(doc), target);
        assert.ok(path.startsWith(root), `${doc} links outside the repository: ${target}`);
        assert.ok(existsSync(path), `${doc} links to ${target}, which does not exist`);
      }
    });
  }
});
