import preset from '../jest.preset.js';
export default {
  ...preset,
  rootDir: import.meta.dirname,
  moduleNameMapper: { ...preset.moduleNameMapper, '^@c2w/([a-z0-9-]+)$': '<rootDir>/../packages/$1/src/index.ts' },
  testTimeout: 900_000,
};
