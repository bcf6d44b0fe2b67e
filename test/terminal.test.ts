// The terminal clients as real child processes (`node --import tsx src/cli/main.ts …`) against a
// real server: `hubbub chat` driven through stdin/stdout sees another user's message, typing and
// presence, sends one the other user receives, prints history with /history, sends a direct
// message with /dm and exits 0 on /quit (and on SIGINT); `hubbub tail` prints JSON lines, live.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { HubbubSocket } from '../src/client/socket-client.js';
import type { Message, MessageEvent, ReceiptEvent } from '../src/protocol/events.js';
import { eventually, startTestServer, type TestServer } from './support/server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join('src', 'cli', 'main.ts');
const PASSWORD = 'correct horse battery';

/** A running CLI process and everything it printed so far. */
interface Cli {
  readonly child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
  /** Resolves when stdout contains `text` (after `from`), failing after `timeoutMs`. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  write(line: string): void;
}

const children = new Set<ChildProcessWithoutNullStreams>();
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function startCli(args: readonly string[], password = PASSWORD): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HUBBUB_PASSWORD: password, NODE_ENV: 'test' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  const cli: Cli = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    async waitFor(text, timeoutMs = 10_000) {
      const found = (): boolean => (typeof text === 'string' ? cli.stdout.includes(text) : text.test(cli.stdout));
      try {
        await eventually(found, `${String(text)} in the output`, timeoutMs);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- stdout ---\n${cli.stdout}\n--- stderr ---\n${cli.stderr}`, { cause: error });
      }
    },
    write(line) {
      child.stdin.write(`${line}\n`);
    },
  };
  child.stdout.on('data', (chunk: Buffer) => (cli.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (cli.stderr += chunk.toString()));
  child.once('exit', () => children.delete(child));
  return cli;
}

describe('terminal clients', () => {
  let t: TestServer;
  let bob: HubbubSocket;
  const bobSees: MessageEvent[] = [];
  const bobReceipts: ReceiptEvent[] = [];

  before(async () => {
    t = await startTestServer({ MESSAGE_RATE_LIMIT: '0', PRESENCE_GRACE_MS: '200' });
    await t.user('alice', PASSWORD);
    const bobUser = await t.user('bob', PASSWORD);
    bob = await t.connect(bobUser.token);
    bob.on('message', (m) => bobSees.push(m));
    bob.on('receipt', (r) => bobReceipts.push(r));
    await bob.join('lobby');
    for (let i = 1; i <= 3; i++) await bob.send('lobby', `older message ${i}`);
  });
  after(() => t.close());

  it('hubbub chat: live messages both ways, typing, presence, /history, /dm and /quit', { timeout: 60_000 }, async () => {
    const chat = startCli(['chat', '--url', t.url, '--user', 'alice', '--room', 'lobby']);
    await chat.waitFor('* signed in as alice, in #lobby');

    // Another user's message and typing show up live.
    bob.typing('lobby', true);
    await chat.waitFor('* bob is typing… in #lobby');
    const hello = await bob.send('lobby', 'hello alice, from bob');
    await chat.waitFor(/\[\d\d:\d\d\] #lobby <bob> hello alice, from bob/);
    // What the terminal printed, alice has read: bob sees her receipt.
    await eventually(() => bobReceipts.some((r) => r.user === 'alice' && r.room === 'lobby' && r.seq >= hello.seq!), 'alice’s read receipt', 5000);

    // A line of text goes to the current room; bob receives it.
    chat.write('hi bob, from the terminal');
    await eventually(() => bobSees.some((m) => m.from === 'alice' && m.text === 'hi bob, from the terminal'), 'bob to receive alice');
    await chat.waitFor('#lobby <alice> hi bob, from the terminal');

    // History: the older messages, from before alice was here.
    chat.write('/history 10');
    await chat.waitFor('--- last 5 messages of #lobby ---');
    await chat.waitFor('#lobby <bob> older message 1');
    const historyBlock = chat.stdout.slice(chat.stdout.indexOf('--- last 5 messages'));
    assert.match(historyBlock, /older message 1[\s\S]*older message 2[\s\S]*older message 3[\s\S]*hello alice[\s\S]*hi bob, from the terminal/);

    // A direct message; bob gets it in the conversation room.
    chat.write('/dm bob a private word');
    await eventually(() => bobSees.some((m) => m.room === 'dm:alice:bob' && m.text === 'a private word'), 'the direct message');
    await chat.waitFor('@bob <alice> a private word');
    // A conversation cannot be left: the client says so without asking the server.
    chat.write('/leave dm:alice:bob');
    await chat.waitFor('! @bob is a direct conversation: it cannot be left');

    // Rooms, presence and unknown commands.
    chat.write('/rooms');
    await chat.waitFor(/\* #lobby\s+public/);
    const carol = await t.connect(await t.tokenFor('carol'));
    await carol.join('lobby');
    await chat.waitFor('* carol joined #lobby');
    carol.close();
    await chat.waitFor('* carol is offline');
    chat.write('/switch nowhere');
    await chat.waitFor('! you are not in #nowhere: /join it first, or /rooms lists yours');
    assert.doesNotMatch(chat.stdout, /now in #nowhere/);
    chat.write('/frobnicate');
    await chat.waitFor('! unknown command /frobnicate');

    chat.write('/quit');
    assert.equal(await chat.exited, 0, chat.stderr);
  });

  it('hubbub chat: SIGINT (Ctrl-C without a terminal) quits cleanly; a wrong password fails with 1', { timeout: 30_000 }, async () => {
    const chat = startCli(['chat', '--url', t.url, '--user', 'alice']);
    await chat.waitFor('* signed in as alice');
    chat.child.kill('SIGINT');
    assert.equal(await chat.exited, 0);

    const wrong = startCli(['chat', '--url', t.url, '--user', 'alice'], 'not the password');
    assert.equal(await wrong.exited, 1);
    assert.match(wrong.stderr, /hubbub: invalid username or password/);

    const usage = startCli(['chat', '--url', 'localhost:3000', '--user', 'alice']);
    assert.equal(await usage.exited, 2);
  });

  it('hubbub tail: earlier messages, then live ones, as JSON lines in seq order', { timeout: 30_000 }, async () => {
    const tail = startCli(['tail', '--url', t.url, '--user', 'alice', '--room', 'lobby', '--history', '2']);
    const lines = (): Message[] =>
      tail.stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Message);
    await eventually(() => lines().length >= 2, 'two history lines', 10_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${tail.stdout}\n${tail.stderr}`, { cause: error });
    });
    for (let i = 1; i <= 3; i++) await bob.send('lobby', `live ${i}`);
    await eventually(() => lines().length >= 5, 'five lines');
    const seen = lines();
    assert.deepEqual(
      seen.slice(2).map((m) => m.text),
      ['live 1', 'live 2', 'live 3'],
    );
    const seqs = seen.map((m) => m.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i), 'consecutive seqs, each once');
    // One shape for every line, history and live alike: the protocol's Message object.
    for (const line of seen) assert.deepEqual(Object.keys(line).sort(), ['clientMsgId', 'from', 'msgId', 'room', 'seq', 'text', 'ts']);
    tail.child.kill('SIGTERM');
    assert.equal(await tail.exited, 0, tail.stderr);
  });
});
