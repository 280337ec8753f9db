#!/usr/bin/env node
// Writes the JSON Schema of every artifact (from the zod schemas in @c2w/artifacts) to
// docs/schemas/<name>.schema.json. Run after `npm run build`; a test checks they are current.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonSchemas } from '../packages/artifacts/dist/index.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'schemas');
mkdirSync(out, { recursive: true });
for (const [name, schema] of Object.entries(jsonSchemas())) {
  writeFileSync(join(out, `${name}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
}
console.error(`gen-schemas: wrote ${Object.keys(jsonSchemas()).length} schemas to docs/schemas/`);
