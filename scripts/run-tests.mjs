#!/usr/bin/env node
// Runs every *.test.ts under src/, test/ and bench/ with Node's test runner (TypeScript through
// tsx), streams the spec output, and ends with one plain line:
// "tests: N passed, N failed, N skipped". Arguments, when given, are filters (substrings of the
// test file paths).
//
// Two passes: the quick files two at a time, then the heavy ones (several server processes, a
// browser, load runs) one at a time, so that they do not starve each other of the machine's
// CPU and turn generous timeouts into flaky failures.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
// Every browser test file (test/browser*.test.ts) is heavy too: each runs a server and Chromium.
const HEAVY = ['test/cluster.test.ts', 'test/load.test.ts', 'test/churn.test.ts'];
const isHeavy = (file) => HEAVY.includes(file) || /^test\/browser[^/]*\.test\.ts$/.test(file);

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

const files = ['src', 'test', 'bench']
  .flatMap((dir) => collect(join(root, dir), []))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

/** Runs one pass; resolves with its counts and whether it succeeded. */
function run(passFiles, concurrency) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...passFiles],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
    );
    // The counts are read line by line as they pass: the reporter prints them before the
    // details of every failure, which can run to any length.
    const counts = { pass: 0, fail: 0, skipped: 0, cancelled: 0 };
    let partial = '';
    const read = (line) => {
      const match = /^ℹ (pass|fail|skipped|cancelled) (\d+)$/.exec(line);
      if (match !== null) counts[match[1]] = Number(match[2]);
    };
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop();
      lines.forEach(read);
    });
    child.on('close', (code) => {
      read(partial);
      // A pass that failed without printing its counts (a crash) still counts as a failure.
      if (code !== 0 && counts.fail + counts.cancelled === 0) counts.fail = 1;
      resolve({ ok: code === 0, counts });
    });
  });
}

const quick = files.filter((file) => !isHeavy(file));
const heavy = files.filter((file) => isHeavy(file));
const passes = [];
if (quick.length > 0) passes.push(await run(quick, process.env.TEST_CONCURRENCY ?? 2));
if (heavy.length > 0) passes.push(await run(heavy, 1));

const total = { pass: 0, fail: 0, skipped: 0, cancelled: 0 };
for (const pass of passes) for (const key of Object.keys(total)) total[key] += pass.counts[key];
const failed = total.fail + total.cancelled;
console.log(`tests: ${total.pass} passed, ${failed} failed, ${total.skipped} skipped`);
process.exit(passes.every((pass) => pass.ok) && failed === 0 ? 0 : 1);
