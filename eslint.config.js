// Lint rules: typescript-eslint's recommended set, plus the import boundaries that keep the
// dependency graph pointing inward (protocol <- core <- engines/store/transport/http <- server).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'web/dist/', 'coverage/', '.prof/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: restrict(['../*', '!./*'], 'protocol/ imports nothing else of the project'),
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: restrict(
      ['**/engines/**', '**/store/**', '**/transport/**', '**/http/**', '**/auth/**', '**/server*', 'ws', 'fastify', 'kysely', 'pg', 'better-sqlite3', 'ioredis'],
      'core/ knows only protocol/ and its own interfaces',
    ),
  },
  {
    files: ['src/client/**/*.ts'],
    rules: restrict(['**/core/**', '**/engines/**', '**/store/**', '**/transport/**', '**/http/**', '**/auth/**', '**/server*'], 'the client SDK depends on protocol/ only'),
  },
  {
    // Test-only modules (`*.test.ts`, `*.test-support.ts`) are left out of dist/; a shipped module
    // that imported one would pull it back in. (The typescript-eslint twin of the rule, so that
    // it adds to the layer rules above instead of replacing them.)
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/**/*.test-support.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/*.test-support.js', '**/*.test.js', 'node:test', 'node:assert', 'node:assert/*'],
              message: 'shipped code may not use test-only modules: name test helpers *.test-support.ts and import them from tests only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
