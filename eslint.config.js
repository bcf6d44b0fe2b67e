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
    // The browser bundle carries no zod (the server validates): the web app and the SDK take
    // values only from the zod-free protocol modules; types from any of them are erased.
    files: ['web/**/*.{ts,tsx}', 'src/client/**/*.ts'],
    ignores: ['src/client/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['zod', 'zod/*', '**/protocol/*', '!**/protocol/names.js', '!**/protocol/codes.js', '!**/protocol/limits.js'],
              allowTypeImports: true,
              message: 'the web bundle loads no zod: import values only from protocol/names, codes or limits (types from anywhere)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/protocol/names.ts', 'src/protocol/codes.ts', 'src/protocol/limits.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['zod', 'zod/*'], message: 'the web app loads this module: keep it free of zod' }] }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
