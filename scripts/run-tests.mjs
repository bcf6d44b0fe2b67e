#!/usr/bin/env node
// Runs every *.test.ts under src/, test/ and bench/ with Node's test runner (TypeScript through tsx),
// streams the spec output, and ends with one plain line: "tests: N passed, N failed[, N skipped]".
// Arguments, when given, are file or directory filters (substrings of the test file paths).
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = [...collect(join(root, 'src'), []), ...collect(join(root, 'test'), []), ...collect(join(root, 'bench'), [])]
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
);

const counts = { pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
child.on('close', (code) => {
  for (const key of Object.keys(counts)) {
    const match = new RegExp(`ℹ ${key} (\\d+)`).exec(tail);
    if (match) counts[key] = Number(match[1]);
  }
  const failed = counts.fail + counts.cancelled;
  console.log(`tests: ${counts.pass} passed, ${failed} failed, ${counts.skipped} skipped`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
