// Shared jest settings: TypeScript through ts-jest in ESM mode, workspace packages mapped to
// their sources so tests never depend on a stale dist/. Each run gets its own TMPDIR, removed at
// its end (tools/jest/tmpdir-setup.js).
import { join } from 'node:path';

export default {
  globalSetup: join(import.meta.dirname, 'tools/jest/tmpdir-setup.js'),
  globalTeardown: join(import.meta.dirname, 'tools/jest/tmpdir-teardown.js'),
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  moduleNameMapper: {
    '^@c2w/([a-z0-9-]+)$': '<rootDir>/../$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { module: 'NodeNext', moduleResolution: 'NodeNext', isolatedModules: true, verbatimModuleSyntax: false, noUncheckedIndexedAccess: false } }],
  },
  testTimeout: 60_000,
};
