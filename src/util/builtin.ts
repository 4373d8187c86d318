import { createRequire } from 'node:module';

/** The built-ins taken this way (types only: nothing is imported here). */
interface Builtins {
  'node:fs': typeof import('node:fs');
  'node:path': typeof import('node:path');
  'node:os': typeof import('node:os');
  'node:http': typeof import('node:http');
  'node:https': typeof import('node:https');
}

/**
 * A built-in module without its ESM facade. `import … from 'node:fs'` makes node evaluate every
 * export of the module, lazy ones included: fs.promises and fs.ReadStream load modules of their
 * own (about 4 ms of a 30 ms `esipay --version`), and node:http's WebSocket loads node's bundled
 * undici (about 40 ms). The modules every CLI command loads take their built-ins from here
 * (docs/performance.md). getBuiltinModule is Node ≥ 22.3; require gives the same module before.
 */
export function builtin<ID extends keyof Builtins>(id: ID): Builtins[ID] {
  return (process.getBuiltinModule?.(id) as Builtins[ID] | undefined) ?? (createRequire(import.meta.url)(id) as Builtins[ID]);
}
