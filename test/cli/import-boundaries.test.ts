import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import ts from 'typescript';

/**
 * Which parts of src/ may import which, read from the sources themselves: every static import,
 * export … from, and dynamic import('…') of every .ts/.tsx file (TypeScript's own pre-processor
 * finds them, and skips comments and strings). A rule is one row of RULES; a folder whose files
 * must not import one another in a circle is one row of ACYCLIC.
 */

interface Rule {
  name: string;
  /** The importing files: a path prefix from the repository root (a folder ends with '/'). */
  from: string;
  /** What they must not import: path prefixes. */
  forbidden: string[];
  /** Imports allowed all the same, each with its reason. */
  allowed?: { from: string; to: string; why: string }[];
}

const RULES: Rule[] = [
  { name: 'the SQLite adapter does not import the PostgreSQL adapter', from: 'src/store/sqlite/', forbidden: ['src/store/postgres/'] },
  { name: 'the PostgreSQL adapter does not import the SQLite adapter', from: 'src/store/postgres/', forbidden: ['src/store/sqlite/'] },
  {
    name: "the store's shared pieces import neither adapter",
    from: 'src/store/sql/',
    forbidden: ['src/store/sqlite/', 'src/store/postgres/'],
  },
  { name: 'the money decisions import no store code', from: 'src/domain/decisions.ts', forbidden: ['src/store/'] },
  {
    name: 'the service talks to the ServiceEngine, not to the local engine',
    from: 'src/server/',
    forbidden: ['src/engine/local/'],
    allowed: [
      { from: 'src/server/service.ts', to: 'src/engine/local/local-engine.ts', why: 'the factory that builds the ServiceEngine' },
      { from: 'src/server/service.ts', to: 'src/engine/local/context.ts', why: "the engine's options and default timeout" },
      {
        from: 'src/server/openapi/',
        to: 'src/engine/local/links/schema.ts',
        why: 'the OpenAPI document describes the get_link_payment body with the schema the link use cases validate it with',
      },
    ],
  },
  // The service sits on top: the CLI may start it (esipay serve); nothing it is built from reaches back up.
  ...['acquirer', 'callback', 'card', 'config', 'domain', 'engine', 'money', 'notify', 'outbox', 'store', 'tui', 'util', 'verify'].map(
    (folder): Rule => ({ name: `src/${folder}/ does not import the service`, from: `src/${folder}/`, forbidden: ['src/server/'] }),
  ),
  {
    name: 'the domain depends on nothing but itself and pure utilities',
    from: 'src/domain/',
    forbidden: ['src/store/', 'src/engine/', 'src/server/', 'src/cli/', 'src/tui/'],
  },
];

/** Folders among whose files no import circle may exist. */
const ACYCLIC = ['src/store/', 'src/engine/', 'src/server/', 'src/domain/'];

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** path (from the root, '/'-separated) → the files it imports, same form; packages and built-ins left out. */
type Graph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = posix.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The relative modules a source imports, resolved to source paths ('./x.js' is x.ts or x.tsx). */
function importsOf(file: string, source: string, exists: (path: string) => boolean): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const target = posix.normalize(posix.join(posix.dirname(file), spec));
      const base = target.replace(/\.(js|jsx|ts|tsx)$/, '');
      return [`${base}.ts`, `${base}.tsx`, posix.join(target, 'index.ts')].find(exists) ?? target;
    });
}

function graphOf(dir: string): Graph {
  const graph: Graph = new Map();
  for (const file of sourceFiles(dir)) {
    graph.set(
      file,
      importsOf(file, readFileSync(join(ROOT, file), 'utf8'), (p) => existsSync(join(ROOT, p))),
    );
  }
  return graph;
}

/** Every import that breaks a rule, as "rule: a.ts imports b.ts". */
function violations(graph: Graph, rules: Rule[]): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    for (const [file, imports] of graph) {
      if (!file.startsWith(rule.from)) continue;
      for (const target of imports) {
        if (!rule.forbidden.some((prefix) => target.startsWith(prefix))) continue;
        if (rule.allowed?.some((a) => file.startsWith(a.from) && target.startsWith(a.to))) continue;
        out.push(`${rule.name}: ${file} imports ${target}`);
      }
    }
  }
  return out;
}

/** The import circles among the files under `prefix`, each as "a.ts → b.ts → a.ts". */
function cycles(graph: Graph, prefix: string): string[] {
  const found = new Set<string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'visiting');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!next.startsWith(prefix) || !graph.has(next)) continue;
      if (state.get(next) === 'visiting') {
        const circle = path.slice(path.indexOf(next));
        // The same circle found from another of its files is one circle: name it from its smallest file.
        const start = circle.indexOf([...circle].sort()[0]!);
        const rotated = [...circle.slice(start), ...circle.slice(0, start)];
        found.add([...rotated, rotated[0]].join(' → '));
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].filter((f) => f.startsWith(prefix)).sort()) if (!state.has(file)) visit(file);
  return [...found];
}

describe('import boundaries in src/', () => {
  const graph = graphOf('src');

  test('the sources are read: the store and its adapters are there, with their imports', () => {
    assert.ok(graph.size > 50, `${graph.size} source files`);
    const open = graph.get('src/store/open-store.ts');
    assert.ok(open?.includes('src/store/postgres/postgres-store.ts'), 'a dynamic import is found');
    assert.ok(open?.includes('src/store/sqlite/sqlite-store.ts'));
  });

  for (const rule of RULES) {
    test(rule.name, () => {
      assert.ok(
        [...graph.keys()].some((f) => f.startsWith(rule.from)),
        `no source file under ${rule.from}: is the rule stale?`,
      );
      assert.deepEqual(violations(graph, [rule]), []);
    });
  }

  for (const prefix of ACYCLIC) {
    test(`no import circle among the files of ${prefix}`, () => {
      assert.deepEqual(cycles(graph, prefix), []);
    });
  }

  test('the checks themselves catch an adapter importing the other, a shared piece importing an adapter, and a circle', () => {
    const files: Record<string, string> = {
      'src/store/open-store.ts': `const { PostgresStore } = await import('./postgres/postgres-store.js');`,
      'src/store/postgres/postgres-store.ts': `import { printableLocation } from '../open-store.js';\nimport { rowOf } from '../sqlite/rows.js';`,
      'src/store/sqlite/rows.ts': `// import '../postgres/pool.js' in a comment is no import\nexport const s = "import('../postgres/pool.js')";`,
      'src/store/sql/totals.ts': `import type { SqliteStore } from '../sqlite/sqlite-store.js';`,
      'src/store/sqlite/sqlite-store.ts': `export {};`,
    };
    const fake: Graph = new Map(Object.entries(files).map(([f, src]) => [f, importsOf(f, src, (p) => p in files)]));
    assert.deepEqual(violations(fake, RULES), [
      'the PostgreSQL adapter does not import the SQLite adapter: src/store/postgres/postgres-store.ts imports src/store/sqlite/rows.ts',
      "the store's shared pieces import neither adapter: src/store/sql/totals.ts imports src/store/sqlite/sqlite-store.ts",
    ]);
    assert.deepEqual(cycles(fake, 'src/store/'), [
      'src/store/open-store.ts → src/store/postgres/postgres-store.ts → src/store/open-store.ts',
    ]);
    const allowed: Rule = {
      ...RULES[1]!,
      allowed: [{ from: 'src/store/postgres/', to: 'src/store/sqlite/rows.ts', why: 'a test of exceptions' }],
    };
    assert.deepEqual(violations(fake, [allowed]), []);
  });
});
