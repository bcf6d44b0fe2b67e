// Lint rules: typescript-eslint's recommended set, plus the import boundaries that keep the
// dependency graph pointing inward:
//
//   protocol  <-  core  <-  engines, store, transport, http, auth  <-  server.ts, engines.ts  <-  cli
//
// config and obs sit beside core: every outer layer may read them, and they import nothing of
// the outer layers (config: protocol and core's Logger interface only). The client SDK imports
// protocol only. Tests are exempt: a test wires real implementations together on purpose.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** `no-restricted-imports` for one layer: the import paths (globs) it may not use, and why. */
const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

/** Glob for an import of a project folder, wherever the importer sits. */
const folder = (name) => `**/${name}/**`;
const CORE = folder('core');
const ENGINES = folder('engines');
const STORE = folder('store');
const TRANSPORT = folder('transport');
const HTTP = folder('http');
const AUTH = folder('auth');
const CONFIG = folder('config');
const OBS = folder('obs');
const CLIENT = folder('client');
const CLI = folder('cli');
/** The composition root: `server.ts` and `engines.ts` (which picks the engines). */
const ROOT = ['**/server.js', '**/engines.js'];
/** Core's Logger interface, which config and obs may name (type only). */
const CORE_LOGGER = '!**/core/logger.js';

const TESTS = ['**/*.test.ts'];
const layer = (name, patterns, message) => ({ files: [`src/${name}/**/*.ts`], ignores: TESTS, rules: restrict(patterns, message) });

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
  layer('protocol', ['../*'], 'protocol/ imports nothing else of the project'),
  layer(
    'core',
    [ENGINES, STORE, TRANSPORT, HTTP, AUTH, CONFIG, OBS, CLIENT, CLI, ...ROOT, 'ws', 'fastify', 'kysely', 'pg', 'better-sqlite3', 'ioredis', 'pino'],
    'core/ knows only protocol/ and its own interfaces',
  ),
  layer('engines', [STORE, TRANSPORT, HTTP, AUTH, CLIENT, CLI, ...ROOT], 'engines/ implement core interfaces; the composition root wires them to the rest'),
  layer('store', [ENGINES, TRANSPORT, HTTP, AUTH, CLIENT, CLI, ...ROOT], 'store/ implements the core Store interface; the composition root wires it to the rest'),
  layer('transport', [ENGINES, STORE, HTTP, AUTH, CLIENT, CLI, ...ROOT], 'transport/ talks to the core only; the composition root picks the engines and the store'),
  layer('http', [ENGINES, STORE, TRANSPORT, CLIENT, CLI, ...ROOT], 'http/ uses core and auth interfaces; the composition root picks the engines and the store'),
  layer('auth', [ENGINES, STORE, TRANSPORT, HTTP, CLIENT, CLI, ...ROOT], 'auth/ uses core interfaces; the composition root picks the store'),
  layer('config', [CORE, CORE_LOGGER, ENGINES, STORE, TRANSPORT, HTTP, AUTH, OBS, CLIENT, CLI, ...ROOT], 'config/ is read by every layer and imports none of them (protocol and core/logger only)'),
  layer('obs', [CORE, CORE_LOGGER, ENGINES, STORE, TRANSPORT, HTTP, AUTH, CLIENT, CLI, ...ROOT], 'obs/ is read by every layer and imports none of them (config, protocol and core/logger only)'),
  layer('client', [CORE, ENGINES, STORE, TRANSPORT, HTTP, AUTH, CONFIG, OBS, CLI, ...ROOT], 'the client SDK depends on protocol/ only'),
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
              // password-strength: zxcvbn, which the web app loads lazily for the sign-up meter.
              group: ['zod', 'zod/*', '**/protocol/*', '!**/protocol/names.js', '!**/protocol/codes.js', '!**/protocol/limits.js', '!**/protocol/availability.js', '!**/protocol/password-strength.js'],
              allowTypeImports: true,
              message: 'the web bundle loads no zod: import values only from protocol/names, codes, limits or availability (types from anywhere)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/protocol/names.ts', 'src/protocol/codes.ts', 'src/protocol/limits.ts', 'src/protocol/availability.ts', 'src/protocol/password-strength.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['zod', 'zod/*'], message: 'the web app loads this module: keep it free of zod' }] }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
