// What `npm run build` compiles into dist/ holds nothing only tests use. Test-only modules are
// named `*.test.ts` (suites) or `*.test-support.ts` (helpers and conformance suites that test
// files import) and tsconfig.build.json excludes both patterns; this test asks the compiler
// itself for the build's file list, so a module that slips in (through an import from shipped
// code, or a helper named otherwise that imports the test runner) fails here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The project's own files the build compiles, relative to the root, with `/` separators. */
function buildFiles(): string[] {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const listing = execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: root, encoding: 'utf8' });
  return listing
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((file) => relative(root, file).split(sep).join('/'))
    .filter((file) => file.startsWith('src/'));
}

/** A module that uses the test runner or assertions is test-only, whatever its name. */
const TEST_RUNNER_IMPORT = /(?:from\s*|import\s*\(?\s*)['"]node:(?:test|assert)(?:\/strict)?['"]/;

describe('the build (tsconfig.build.json)', () => {
  const files = buildFiles();

  it('compiles the server (sanity: the listing is the build)', () => {
    assert.ok(files.includes('src/cli/main.ts'), `src/cli/main.ts missing from: ${files.join(', ')}`);
    assert.ok(files.includes('src/server.ts'));
  });

  it('ships no test suite and no *.test-support.ts module', () => {
    assert.deepEqual(
      files.filter((file) => /\.test(?:-support)?\.ts$/.test(file)),
      [],
      'a shipped module imports a test-only one, or tsconfig.build.json stopped excluding them',
    );
  });

  it('ships no module that imports node:test or node:assert', () => {
    const offenders = files.filter((file) => TEST_RUNNER_IMPORT.test(readFileSync(join(root, file), 'utf8')));
    assert.deepEqual(offenders, [], 'test-only modules must be named *.test-support.ts (or live under test/)');
  });
});
