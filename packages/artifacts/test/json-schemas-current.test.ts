import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@c2w/testing';
import { jsonSchemas } from '../src/index.js';

// docs/schemas/ is what other tools read; it must match the zod source of truth.
describe('docs/schemas', () => {
  it.each(Object.entries(jsonSchemas()))('%s is current (run node tools/gen-schemas.js)', (name, schema) => {
    const file = join(workspaceRoot, 'docs', 'schemas', `${name}.schema.json`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(schema);
  });
});
