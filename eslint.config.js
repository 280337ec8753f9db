// Lint rules that protect the architecture: tools never import tools (they meet through artifacts
// or inside the umbrella), libraries never import tools, tests may use the testing library.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Node's globals for plain JavaScript (no `globals` package: eslint.config.js imports only what the root lists).
const NODE_GLOBALS = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'queueMicrotask', 'structuredClone', 'fetch', 'AbortController', 'WebAssembly', 'globalThis', 'performance'].map((g) => [g, 'readonly']),
);

export default [
  // packages/machine/build holds compiler outputs; not '**/build/**', which hid emu-build's src/build.
  // JavaScript is linted too: bins, .mjs scripts and configs run as shipped, with no compiler to catch slips.
  { ignores: ['**/dist/**', '**/node_modules/**', 'packages/machine/build/**', 'tools/test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { sourceType: 'module', ecmaVersion: 2022, globals: NODE_GLOBALS },
    rules: {
      'no-undef': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', {
        enforceBuildableLibDependency: false,
        allow: [],
        depConstraints: [
          { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
          { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
          { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
          { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:tool', 'type:app'] },
        ],
      }],
    },
  },
];
