// Lint rules that protect the architecture: tools never import tools (they meet through artifacts
// or inside the umbrella), libraries never import tools, tests may use the testing library.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  // packages/machine/build holds compiler outputs; not '**/build/**', which hid emu-build's src/build
  { ignores: ['**/dist/**', '**/node_modules/**', 'packages/machine/build/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  ...tseslint.configs.recommended,
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
