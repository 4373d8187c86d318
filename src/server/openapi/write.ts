import { writeFileSync } from 'node:fs';
import { openApiDocument } from './document.js';

/**
 * `npm run openapi`: writes the document to docs/openapi.json (or the path given), as
 * GET /openapi.json serves it but for the server URL. test/server/openapi.test.ts checks the
 * committed file is the generated one.
 */
export const openApiText = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = process.argv[2] ?? new URL('../../../../docs/openapi.json', import.meta.url).pathname;
  writeFileSync(target, openApiText());
  console.error(`wrote ${target}`);
}
