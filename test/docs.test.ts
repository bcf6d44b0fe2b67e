// The documentation cannot drift from the code: every error and close code is in
// docs/protocol.md, and the README's configuration table is the one the settings generate.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { settingsMarkdown } from '../src/config/settings.js';
import { CLOSE_CODES, ERROR_CODES } from '../src/protocol/codes.js';
import { commandSchemas } from '../src/protocol/commands.js';

const root = new URL('..', import.meta.url);
const protocol = readFileSync(new URL('docs/protocol.md', root), 'utf8');
const readme = readFileSync(new URL('README.md', root), 'utf8');

describe('documentation', () => {
  it('documents every error code with its HTTP status', () => {
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      assert.match(protocol, new RegExp(`\\| \`${code}\` \\| ${status} \\|`), `${code} (${status}) missing from docs/protocol.md`);
    }
  });

  it('documents every close code', () => {
    for (const code of Object.values(CLOSE_CODES)) {
      assert.match(protocol, new RegExp(`\\| ${code} \\|`), `close code ${code} missing from docs/protocol.md`);
    }
  });

  it('documents every client command', () => {
    for (const type of Object.keys(commandSchemas)) assert.ok(protocol.includes(`| \`${type}\` |`), `command ${type} missing`);
  });

  it('shows the configuration table generated from the settings in the README', () => {
    assert.ok(readme.includes(settingsMarkdown()), 'README configuration table is out of date: paste `hubbub config` output');
  });

  it('keeps the quick start to the two commands', () => {
    const quickStart = /## Quick start\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = quickStart.split('\n').filter((line) => line.trim().length > 0);
    assert.equal(commands.length, 2);
    assert.match(commands[0]!, /^npm install && npm start\b/);
    assert.match(commands[1]!, /^npm test\b/);
  });
});
