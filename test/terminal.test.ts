// The terminal clients as real child processes (`node --import tsx src/cli/main.ts …`) against a
// real server: `hubbub chat` driven through stdin/stdout sees another user's message, typing and
// presence, sends one the other user receives, prints history with /history, sends a direct
// message with /dm and exits 0 on /quit (and on SIGINT); `hubbub tail` prints JSON lines, live.
// Then what a user of the chat should see: server errors as sentences, one line per outage
// (through a TCP proxy the test cuts), a rate limit said once, and, in a real pseudo-terminal
// (util-linux `script`) read through a small terminal emulator, one typing line redrawn in place
// that never breaks the line the user is typing.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { HubbubHttp } from '../src/client/http-client.js';
import type { HubbubSocket } from '../src/client/socket-client.js';
import type { Message, MessageEvent, ReceiptEvent } from '../src/protocol/events.js';
import { eventually, startTestServer, type TestServer } from './support/server.js';
import { VirtualTerminal } from './support/virtual-terminal.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join('src', 'cli', 'main.ts');
const PASSWORD = 'correct horse battery';
/** Starting a CLI process (tsx compiling it) can take a while on a busy machine. */
const START_MS = 90_000;

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

/** Runs the CLI with pipes, or with `tty` in a pseudo-terminal of 100×30 (stdin and stdout). */
function startCli(args: readonly string[], password = PASSWORD, options: { tty?: boolean } = {}): Cli {
  const command = [process.execPath, '--import', 'tsx', MAIN, ...args];
  const quoted = command.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const [file, argv]: [string, string[]] =
    options.tty === true ? ['script', ['-qfec', `stty cols 100 rows 30; exec ${quoted}`, '/dev/null']] : [command[0]!, command.slice(1)];
  const child = spawn(file, argv, {
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
  let bobHttp: HubbubHttp;
  const bobSees: MessageEvent[] = [];
  const bobReceipts: ReceiptEvent[] = [];

  before(async () => {
    t = await startTestServer({ MESSAGE_RATE_LIMIT: '0', PRESENCE_GRACE_MS: '200' });
    await t.user('alice', PASSWORD);
    const bobUser = await t.user('bob', PASSWORD);
    bobHttp = bobUser.http;
    bob = await t.connect(bobUser.token);
    bob.on('message', (m) => bobSees.push(m));
    bob.on('receipt', (r) => bobReceipts.push(r));
    await bob.join('lobby');
    for (let i = 1; i <= 3; i++) await bob.send('lobby', `older message ${i}`);
  });
  after(() => t.close());

  it('hubbub chat: live messages both ways, typing, presence, /history, /dm and /quit', { timeout: 180_000 }, async () => {
    const chat = startCli(['chat', '--url', t.url, '--user', 'alice', '--room', 'lobby']);
    await chat.waitFor('* signed in as alice, in #lobby', START_MS);

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

  it('hubbub chat: SIGINT (Ctrl-C without a terminal) quits cleanly; a wrong password fails with 1', { timeout: 180_000 }, async () => {
    const chat = startCli(['chat', '--url', t.url, '--user', 'alice']);
    await chat.waitFor('* signed in as alice', START_MS);
    chat.child.kill('SIGINT');
    assert.equal(await chat.exited, 0);

    const wrong = startCli(['chat', '--url', t.url, '--user', 'alice'], 'not the password');
    assert.equal(await wrong.exited, 1);
    assert.match(wrong.stderr, /hubbub: invalid username or password/);

    const usage = startCli(['chat', '--url', 'localhost:3000', '--user', 'alice']);
    assert.equal(await usage.exited, 2);
  });

  it('hubbub chat: a server that cannot be reached is named, not "fetch failed"', { timeout: 180_000 }, async () => {
    const chat = startCli(['chat', '--url', 'http://127.0.0.1:1', '--user', 'alice']);
    assert.equal(await chat.exited, 1);
    assert.match(chat.stderr, /^hubbub: cannot reach the server at http:\/\/127\.0\.0\.1:1: is it running, and is the URL right\?\n$/);
  });

  it('hubbub chat: server errors read as sentences, never codes, JSON or stacks; others’ text cannot drive the terminal', { timeout: 180_000 }, async () => {
    await bobHttp.createRoom('vault', 'private');
    const chat = startCli(['chat', '--url', t.url, '--user', 'alice', '--room', 'lobby']);
    await chat.waitFor('* signed in as alice, in #lobby', START_MS);

    // forbidden: a private room one was not invited to.
    chat.write('/join #vault');
    await chat.waitFor('! You are not allowed to join #vault: it is private, a member must invite you');
    // not_found: leaving a room that does not exist.
    chat.write('/leave nothere');
    await chat.waitFor('! No room #nothere');
    // A name that cannot be a room is refused before it reaches the server.
    chat.write('/join Bad Room!');
    await chat.waitFor('! "Bad Room!" is not a room name');
    // A direct message to nobody fails once (the send's own report), with the start of its text.
    chat.write('/dm nobody are you there?');
    await chat.waitFor('! Not delivered to @nobody: no user nobody. The message was: "are you there?"');
    // Text over the server's limit: how long it is and what the server takes.
    chat.write('x'.repeat(4500));
    await chat.waitFor(/! Not delivered to #lobby: it is too long \(4500 characters; the server takes at most \d+\)\. The message was: "x{59}…"/);
    // Someone else's text with escape sequences (clear the screen, retitle the window) and a
    // bidi override is shown, not obeyed; the lines of a multi-line message stay indented.
    await bob.send('lobby', 'look \u001b[2J\u001b]0;pwned\u0007 here \u202eevil\nsecond line');
    await chat.waitFor(/<bob> look \uFFFD\[2J\uFFFD\]0;pwned\uFFFD here \uFFFDevil\n {4}second line\n/);

    chat.write('/quit');
    assert.equal(await chat.exited, 0, chat.stderr);
    assert.equal(chat.stdout.match(/nobody/g)?.length, 2, `one line about the failed direct message\n${chat.stdout}`);
    assert.ok(!chat.stdout.includes('\u001b'), 'no escape sequence reaches a pipe');
    assert.doesNotMatch(chat.stdout, /\b(forbidden|not_found|invalid_request|too_many_rooms):|[{]"|\n\s+at /, `no raw codes, JSON or stacks\n${chat.stdout}`);
  });

  it('hubbub chat in a terminal: one typing line redrawn in place, the half-typed line intact, no typing sent for commands', { timeout: 180_000 }, async () => {
    const chat = startCli(['chat', '--url', t.url, '--user', 'alice', '--room', 'lobby'], PASSWORD, { tty: true });
    const screen = new VirtualTerminal(100);
    chat.child.stdout.on('data', (chunk: Buffer) => screen.write(chunk.toString()));
    const sees = async (predicate: (lines: string[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
      await eventually(() => predicate(screen.lines()), what, timeoutMs).catch((error: Error) => {
        throw new Error(`${error.message}\n--- screen ---\n${screen.lines().join('\n')}\n--- stderr ---\n${chat.stderr}`, { cause: error });
      });
    };
    const typingRows = (lines: string[]): string[] => lines.filter((line) => line.includes('typing…'));
    const promptRow = (): string => screen.lines().at(-1) ?? '';
    await sees((lines) => lines.some((line) => line.includes('* signed in as alice, in #lobby')), 'the welcome line', START_MS);
    await sees(() => promptRow() === '#lobby>', 'the prompt');

    const aliceTyping: { active: boolean; at: number }[] = [];
    const offTyping = bob.on('typing', (event) => {
      if (event.user === 'alice') aliceTyping.push({ active: event.active, at: Date.now() });
    });
    // alice starts a line and leaves it half typed.
    for (const char of 'half typed') chat.child.stdin.write(char);
    await sees(() => promptRow() === '#lobby> half typed', 'the half-typed line');
    await eventually(() => aliceTyping.some((event) => event.active), 'alice’s typing to reach bob');

    // bob types: one status line above the prompt; the half-typed line stays as it was.
    bob.typing('lobby', true);
    await sees((lines) => lines.at(-2) === 'bob is typing… in #lobby', 'the typing line above the prompt');
    assert.equal(promptRow(), '#lobby> half typed');
    // His message replaces it; the line is gone.
    await bob.send('lobby', 'first from bob');
    await sees((lines) => lines.some((line) => /#lobby <bob> first from bob$/.test(line)) && typingRows(lines).length === 0, 'the message, the typing line gone');
    assert.equal(promptRow(), '#lobby> half typed');

    // He types again, carol too: still one line, redrawn; never a pile of them.
    const carol = await t.connect(await t.tokenFor('carol'));
    await carol.join('lobby');
    bob.typing('lobby', true);
    await sees((lines) => typingRows(lines).length === 1, 'bob typing again');
    carol.typing('lobby', true);
    await sees((lines) => lines.at(-2) === 'bob and carol are typing… in #lobby', 'both typing');
    assert.equal(typingRows(screen.lines()).length, 1, screen.lines().join('\n'));
    assert.equal(promptRow(), '#lobby> half typed');
    await bob.send('lobby', 'second from bob');
    await sees((lines) => lines.at(-2) === 'carol is typing… in #lobby', 'carol still typing');
    assert.equal(typingRows(screen.lines()).length, 1, screen.lines().join('\n'));
    await carol.send('lobby', 'from carol');
    await sees((lines) => typingRows(lines).length === 0 && lines.some((line) => line.endsWith('<carol> from carol')), 'nobody typing');
    carol.close();

    // Enter sends the line as it was typed; with a typing line up, it is not stranded.
    bob.typing('lobby', true);
    await sees((lines) => typingRows(lines).length === 1, 'bob typing once more');
    chat.child.stdin.write('\r');
    await eventually(() => bobSees.some((m) => m.from === 'alice' && m.text === 'half typed'), 'bob to receive the half-typed line');
    await sees((lines) => lines.some((line) => line.endsWith('<alice> half typed')), 'alice’s own message');
    await sees((lines) => lines.at(-2) === 'bob is typing… in #lobby' && lines.at(-1) === '#lobby>', 'the typing line back above an empty prompt');
    assert.equal(typingRows(screen.lines()).length, 1, screen.lines().join('\n'));
    await bob.send('lobby', 'third from bob');

    // Writing a command is not typing in the room.
    await eventually(() => aliceTyping.at(-1)?.active === false, 'alice’s typing to stop');
    const before = aliceTyping.length;
    for (const char of '/rooms') {
      chat.child.stdin.write(char);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    chat.child.stdin.write('\r');
    await sees((lines) => lines.some((line) => /\* #lobby\s+public/.test(line)), 'the room list');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(aliceTyping.slice(before), [], 'no typing for a command');
    offTyping();

    // A draft longer than the terminal is wide wraps onto two rows; lines and the typing line
    // still go above all of it.
    const draft = `${'long draft '.repeat(13)}end`;
    chat.child.stdin.write(draft);
    await sees((lines) => lines.slice(-2).join('') === `#lobby> ${draft}`, 'the wrapped draft');
    bob.typing('lobby', true);
    await sees((lines) => lines.at(-3) === 'bob is typing… in #lobby' && lines.slice(-2).join('') === `#lobby> ${draft}`, 'the typing line above the wrapped draft');
    await bob.send('lobby', 'fourth from bob');
    await sees(
      (lines) => /<bob> fourth from bob$/.test(lines.at(-3) ?? '') && lines.slice(-2).join('') === `#lobby> ${draft}` && typingRows(lines).length === 0,
      'the message above the wrapped draft',
    );
    chat.child.stdin.write('\u0015'); // Ctrl-U: the draft goes
    await sees(() => promptRow() === '#lobby>', 'the empty prompt');

    chat.child.stdin.write('/quit\r');
    assert.equal(await chat.exited, 0, chat.stderr);
  });

  it('hubbub tail: earlier messages, then live ones, as JSON lines in seq order', { timeout: 180_000 }, async () => {
    const tail = startCli(['tail', '--url', t.url, '--user', 'alice', '--room', 'lobby', '--history', '2']);
    const lines = (): Message[] =>
      tail.stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Message);
    await eventually(() => lines().length >= 2, 'two history lines', START_MS).catch((error: Error) => {
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

/** A TCP proxy in front of the server that the test can cut (every connection dropped, new ones refused) and restore. */
interface Proxy {
  readonly url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

async function startProxy(targetUrl: string): Promise<Proxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const listen = (port: number): Promise<Server> =>
    new Promise((resolve, reject) => {
      const server = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        const drop = (): void => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', drop);
          socket.on('close', drop);
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  let server: Server | undefined = await listen(0);
  const port = (server.address() as AddressInfo).port;
  const cut = async (): Promise<void> => {
    const closing = server;
    server = undefined;
    if (closing === undefined) return;
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    cut,
    async restore() {
      server ??= await listen(port);
    },
    close: cut,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const count = (text: string, part: string): number => text.split(part).length - 1;

describe('terminal chat through outages and a rate limit', () => {
  let t: TestServer;
  let proxy: Proxy;

  before(async () => {
    t = await startTestServer({ MESSAGE_RATE_LIMIT: '1' });
    await t.user('alice', PASSWORD);
    proxy = await startProxy(t.url);
  });
  after(async () => {
    await proxy.close();
    await t.close();
  });

  it('hubbub chat: one line when the connection is lost and one when it is back, per outage; "sending too fast" said once', { timeout: 240_000 }, async () => {
    const chat = startCli(['chat', '--url', proxy.url, '--user', 'alice', '--room', 'lobby']);
    await chat.waitFor('* signed in as alice, in #lobby', START_MS);
    const bob = await t.connect(await t.tokenFor('bob'));
    const bobSees: string[] = [];
    bob.on('message', (m) => bobSees.push(m.text));
    await bob.join('lobby');

    // An outage long enough for several failed attempts (the client backs off 0.5, 1, 2 s …),
    // during which bob writes twice.
    await proxy.cut();
    await chat.waitFor('* Connection lost, reconnecting…');
    await bob.send('lobby', 'while you were away 1');
    await bob.send('lobby', 'while you were away 2');
    await sleep(4000);
    await proxy.restore();
    await chat.waitFor('* Reconnected (2 messages caught up)', 30_000);
    await chat.waitFor('#lobby <bob> while you were away 2');

    // A second outage gets its own pair, nothing more.
    await proxy.cut();
    await eventually(() => count(chat.stdout, 'Connection lost') === 2, 'the second "connection lost"', 10_000);
    await sleep(3000);
    await proxy.restore();
    await chat.waitFor('* Reconnected (no messages missed)', 30_000);
    assert.equal(count(chat.stdout, 'Connection lost, reconnecting…'), 2, chat.stdout);
    assert.equal(count(chat.stdout, 'Reconnected'), 2, chat.stdout);
    assert.doesNotMatch(chat.stdout, /reconnecting in|\* connected/i, chat.stdout);

    // A pasted burst over the rate limit (1 a second, 2 at once): said once, then sent in order.
    chat.child.stdin.write(['burst 1', 'burst 2', 'burst 3', 'burst 4', 'burst 5', ''].join('\n'));
    await chat.waitFor(/\* Sending too fast; waiting \d+ s/);
    await eventually(() => bobSees.filter((text) => text.startsWith('burst')).length === 5, 'the five messages', 30_000);
    assert.deepEqual(
      bobSees.filter((text) => text.startsWith('burst')),
      ['burst 1', 'burst 2', 'burst 3', 'burst 4', 'burst 5'],
    );
    assert.equal(count(chat.stdout, 'Sending too fast'), 1, chat.stdout);
    assert.doesNotMatch(chat.stdout, /Not delivered|rate_limited/, chat.stdout);

    chat.write('/quit');
    assert.equal(await chat.exited, 0, chat.stderr);
    bob.close();
  });
});
