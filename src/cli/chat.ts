/**
 * `hubbub chat`: a terminal client. Signs in (the password is asked without echo, or read from
 * HUBBUB_PASSWORD for scripts), joins the given rooms and shows messages, typing and presence as
 * they happen. A line of text goes to the current room; commands start with `/`.
 * The HubbubClient underneath reconnects, resumes and retries sends by itself.
 */
import { createInterface, type Interface } from 'node:readline';
import { WebSocket } from 'ws';
import { HubbubError } from '../client/errors.js';
import { HubbubHttp } from '../client/http-client.js';
import { HubbubClient } from '../client/hubbub-client.js';
import type { WebSocketFactory } from '../client/socket-client.js';
import { TypingSender } from '../client/typing-tracker.js';
import type { Message } from '../protocol/events.js';
import { ROOM_SLUG_PATTERN, USERNAME_PATTERN, dmParticipants, dmRoomKey, isDmRoomKey } from '../protocol/names.js';
import { ChatScreen } from './chat-screen.js';
import { ConnectionNotices } from './connection-notices.js';
import { describeError, type ErrorContext } from './error-wording.js';
import { ReadMarker } from './read-marker.js';
import { SendNotices } from './send-notices.js';
import { oneLine } from './terminal-text.js';
import { TypingNotices } from './typing-notices.js';

export interface RemoteOptions {
  /** The server's base URL (`http://localhost:3000`). */
  readonly url: string;
  readonly user: string;
}

export interface ChatOptions extends RemoteOptions {
  readonly room: readonly string[];
}

/** Streams the command talks through (the process's own, or a test's). */
export interface Terminal {
  readonly input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  readonly output: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

const processTerminal = (): Terminal => ({ input: process.stdin, output: process.stdout, env: process.env });

/** A usage problem (exit code 2), as opposed to a failure while running. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Reads a password from the terminal without echoing it. */
export function promptPassword(terminal: Terminal, prompt: string): Promise<string> {
  const { input, output } = terminal;
  if (input.isTTY !== true || input.setRawMode === undefined) {
    return Promise.reject(new CliUsageError('no terminal to ask the password on: set HUBBUB_PASSWORD'));
  }
  const setRaw = input.setRawMode.bind(input);
  output.write(prompt);
  return new Promise((resolve, reject) => {
    let password = '';
    const finish = (error?: Error): void => {
      input.removeListener('data', onData);
      setRaw(false);
      input.pause();
      output.write('\n');
      if (error !== undefined) reject(error);
      else resolve(password);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new CliUsageError('cancelled'));
        if (char === '\u007f' || char === '\b') password = password.slice(0, -1);
        else if (char >= ' ') password += char;
      }
    };
    setRaw(true);
    input.resume();
    input.on('data', onData);
  });
}

/** Signs in with HUBBUB_PASSWORD or a password asked on the terminal; returns a started client. */
export async function signInFromTerminal(options: RemoteOptions, terminal: Terminal): Promise<HubbubClient> {
  const url = options.url.replace(/\/$/, '');
  if (!/^https?:\/\//.test(url)) throw new CliUsageError(`--url must be an http(s) URL, not ${options.url}`);
  const password = terminal.env.HUBBUB_PASSWORD ?? (await promptPassword(terminal, `Password for ${options.user}: `));
  const tokens = await new HubbubHttp(url).login(options.user, password).catch((error: unknown) => {
    // fetch's own "fetch failed" says nothing of what failed; the server's refusals are worded.
    if (error instanceof TypeError) throw new Error(`cannot reach the server at ${url}: is it running, and is the URL right?`, { cause: error });
    throw error;
  });
  const client = new HubbubClient({
    url,
    WebSocket: WebSocket as unknown as WebSocketFactory,
    credentials: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() + tokens.expiresIn * 1000 },
  });
  client.start();
  await client.whenOpen(15_000);
  return client;
}

/** `#general` for rooms, `@bob` for the conversation with bob. */
export function roomLabel(room: string, me: string): string {
  const pair = dmParticipants(room);
  if (pair === undefined) return `#${room}`;
  return `@${pair[0] === me.toLowerCase() ? pair[1] : pair[0]}`;
}

function clock(ts: string): string {
  const date = new Date(ts);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** One message as the chat prints it; the lines of a multi-line message are indented under it. */
export function formatMessage(message: Message, me: string): string {
  return `[${clock(message.ts)}] ${roomLabel(message.room, me)} <${message.from}> ${message.text.replace(/\r?\n/g, '\n    ')}`;
}

const HELP = [
  'Type a message and press Enter to send it to the current room.',
  '  /join ROOM       join (or create) a public room and make it current (#room works too)',
  '  /switch ROOM     make a room you are in current (@user: your conversation with them)',
  '  /leave [ROOM]    leave a room (the current one by default); conversations cannot be left',
  '  /dm USER TEXT    send a direct message',
  '  /history [N]     the last N messages of the current room (default 20)',
  '  /rooms           your rooms and conversations, with unread counts',
  '  /quit            leave (Ctrl-C too)',
].join('\n');

/** Runs the chat until `/quit`, Ctrl-C or the end of input. */
export async function runChat(options: ChatOptions, terminal: Terminal = processTerminal()): Promise<void> {
  // Ctrl-C on a terminal arrives as the interface's SIGINT; without one, as the process's. The
  // handlers go in first, so that a signal at any point quits cleanly.
  let quit: (() => void) | undefined;
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    quit?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await chat(options, terminal, {
      interrupted: () => interrupted,
      setQuit: (fn) => (quit = fn),
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

async function chat(
  options: ChatOptions,
  terminal: Terminal,
  signals: { interrupted(): boolean; setQuit(quit: () => void): void },
): Promise<void> {
  const client = await signInFromTerminal(options, terminal);
  if (signals.interrupted()) {
    client.close();
    return;
  }
  const me = client.user?.username ?? options.user;
  const { output } = terminal;
  const tty = output.isTTY === true && terminal.input.isTTY === true;
  const screen = new ChatScreen(output, tty);
  const print = (line: string): void => screen.print(line);
  const label = (room: string): string => roomLabel(room, me);
  let current: string | undefined;
  let rl: Interface | undefined;

  const setPrompt = (): void => {
    rl?.setPrompt(current === undefined ? '> ' : `${label(current)}> `);
  };

  for (const room of options.room) {
    const key = roomKeyOf(room, me);
    try {
      if (key === undefined) throw new CliUsageError(notARoom(room));
      await client.join(key);
      current ??= key;
    } catch (error) {
      print(`! ${error instanceof CliUsageError ? error.message : describeError(error, { action: `join ${label(key ?? room)}`, room: label(key ?? room) })}`);
    }
  }
  current ??= client.welcome?.rooms[0]?.room;

  const typingIn = new TypingNotices({ tty, print, setStatus: (text) => screen.setStatus(text), label, current: () => current });
  let typingOut: TypingSender | undefined;
  let typingRoom: string | undefined;
  const connection = new ConnectionNotices(print, () => typingIn.reset());
  const sends = new SendNotices(print, label);

  // What the terminal prints, its user has read: the other members see it in their receipts.
  const reads = new ReadMarker((room, seq) => client.read(room, seq));
  client.on('message', (message) => {
    typingIn.message(message);
    print(formatMessage(message, me));
    reads.printed(message.room, message.seq);
  });
  client.on('typing', (event) => {
    if (event.user.toLowerCase() !== me.toLowerCase()) typingIn.typing(event);
  });
  client.on('presence', (event) => print(`* ${event.user} is ${event.status}`));
  client.on('member', (event) => {
    if (event.user.toLowerCase() !== me.toLowerCase()) print(`* ${event.user} ${event.action} ${label(event.room)}`);
  });
  client.on('welcome', (event) => connection.welcome(event));
  client.on('state', (state) => connection.state(state));
  client.on('send', (update) => sends.update(update));
  client.on('pacing', (pacing) => sends.pacing(pacing));
  // A server error that answers none of our commands (a flood of bad frames, say). One with an
  // id answers a command whose caller gave up waiting (a send retried since): not news.
  client.on('error', (event) => {
    if (event.id === undefined) print(`! ${describeError(new HubbubError(event.code, event.message, undefined, event.retryAfter))}`);
  });

  /** What the command being run is doing, for the wording of its errors. */
  let doing: ErrorContext = {};
  /** The room key an argument names, or a usage line printed and undefined. */
  const roomArgument = (arg: string, usage: string): string | undefined => {
    if (arg === '') return void print(`! usage: ${usage}`);
    const key = roomKeyOf(arg, me);
    if (key === undefined) return void print(`! ${notARoom(arg)}`);
    return key;
  };

  const commands: Record<string, (args: string) => Promise<void>> = {
    help: async () => print(HELP),
    join: async (args) => {
      const room = roomArgument(args.trim(), '/join ROOM');
      if (room === undefined) return;
      doing = { action: `join ${label(room)}`, room: label(room) };
      await client.join(room);
      current = room;
      setPrompt();
      print(`* joined ${label(room)}`);
    },
    switch: async (args) => {
      const room = roomArgument(args.trim(), '/switch ROOM');
      if (room === undefined) return;
      doing = { action: 'list your rooms' };
      // Only to a room one is in: a line typed into any other would be refused.
      const mine = (await client.api((http) => http.rooms())).some((listed) => listed.member && listed.room === room);
      if (!mine) return print(`! you are not in ${label(room)}: /join it first, or /rooms lists yours`);
      current = room;
      setPrompt();
      print(`* now in ${label(room)}`);
    },
    leave: async (args) => {
      const room = args.trim() === '' ? current : roomArgument(args.trim(), '/leave [ROOM]');
      if (room === undefined) return args.trim() === '' ? print('! usage: /leave ROOM') : undefined;
      // The server refuses it too: a direct conversation always reaches both people.
      if (isDmRoomKey(room)) return print(`! ${label(room)} is a direct conversation: it cannot be left`);
      doing = { action: `leave ${label(room)}`, room: label(room) };
      await client.leave(room);
      print(`* left ${label(room)}`);
      if (room === current) {
        current = undefined;
        setPrompt();
      }
    },
    dm: async (args) => {
      const match = /^@?(\S+)\s+([\s\S]+)$/.exec(args.trim());
      if (match === null) return print('! usage: /dm USER TEXT');
      // A failure is reported once, by the `send` event, like any message's.
      await client.sendDirect(match[1]!, match[2]!).done.catch(() => {});
    },
    history: async (args) => {
      if (current === undefined) return print('! no current room: /join one first');
      const limit = args.trim() === '' ? 20 : Number(args.trim());
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) return print('! usage: /history [N] with N from 1 to 200');
      doing = { action: `read the history of ${label(current)}`, room: label(current) };
      const page = await client.history(current, { limit });
      print(`--- last ${page.messages.length} message${page.messages.length === 1 ? '' : 's'} of ${label(current)} ---`);
      for (const message of page.messages) print(formatMessage(message, me));
      print('---');
      const last = page.messages.at(-1);
      if (last !== undefined) reads.printed(last.room, last.seq);
    },
    rooms: async () => {
      doing = { action: 'list your rooms' };
      // Only the rooms one is in (servers before the room directory also listed public ones).
      const rooms = (await client.api((http) => http.rooms())).filter((room) => room.member);
      if (rooms.length === 0) return print('* no rooms yet: /join one');
      for (const room of rooms) {
        const marks = [room.visibility, room.unread > 0 ? `${room.unread} unread` : ''].filter((m) => m !== '');
        print(`  ${room.room === current ? '*' : ' '} ${label(room.room).padEnd(24)} ${marks.join(', ')}`);
      }
    },
  };

  print(`* signed in as ${me}${current === undefined ? '' : `, in ${label(current)}`}. Type /help for commands.`);

  await new Promise<void>((resolve) => {
    const lines = createInterface({ input: terminal.input, output: tty ? output : undefined, terminal: tty });
    rl = lines;
    screen.attach(lines);
    setPrompt();
    screen.prompt();
    let closing = false;
    const quit = (): void => {
      if (closing) return;
      closing = true;
      typingOut?.stop();
      screen.detach();
      lines.close();
    };
    lines.on('SIGINT', quit);
    signals.setQuit(quit);
    if (signals.interrupted()) quit();
    lines.on('close', () => {
      closing = true;
      screen.detach();
      resolve();
    });
    if (tty) {
      // Before readline's own listener (it commits the line on Enter): the status line moves out
      // of the way first, so that it does not stay stranded above the entered line.
      terminal.input.prependListener('keypress', (_text: string | undefined, key: { name?: string } | undefined) => {
        if (!closing && (key?.name === 'return' || key?.name === 'enter')) screen.beforeEnter();
      });
      terminal.input.on('keypress', (_text: string | undefined, key: { ctrl?: boolean; name?: string } | undefined) => {
        // Ctrl-C and Enter are not typing (and after quitting nothing is).
        if (closing || current === undefined || key?.ctrl === true || key?.name === 'return' || key?.name === 'enter') return;
        // Nor is writing a command: the room would see "typing…" for a /history.
        if (lines.line.startsWith('/') || lines.line === '') {
          typingOut?.stop();
          return;
        }
        if (typingRoom !== current) {
          typingOut?.stop();
          const room = current;
          typingRoom = room;
          typingOut = new TypingSender((active) => client.typing(room, active));
        }
        typingOut?.input();
      });
    }
    // Lines run one after another, so output keeps the order of the input.
    let queue = Promise.resolve();
    lines.on('line', (line) => {
      queue = queue.then(async () => {
        if (closing) return;
        const text = line.trim();
        doing = {};
        try {
          if (text === '') return;
          if (text === '/quit' || text === '/exit') return quit();
          if (text.startsWith('/')) {
            const [, name = '', args = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(text) ?? [];
            const command = commands[name];
            if (command === undefined) print(`! unknown command /${name}: /help lists them`);
            else await command(args);
          } else if (current === undefined) {
            print('! no current room: /join one first');
          } else {
            typingOut?.stop();
            client.send(current, line);
          }
        } catch (error) {
          print(`! ${describeError(error, doing)}`);
        } finally {
          if (!closing) screen.prompt();
        }
      });
    });
  });

  // Messages still in the queue get a moment to go out before the connection closes.
  await waitForSends(client, 3000);
  await Promise.race([reads.flush(), new Promise((resolve) => setTimeout(resolve, 1000))]);
  typingOut?.stop();
  typingIn.reset();
  client.close();
  if (tty) output.write('\n');
  terminal.input.pause();
}

/**
 * The room key a user typed: `general` or `#general` (any letter case), `@bob` for the
 * conversation with bob, or a `dm:` key; undefined for anything that cannot be a room.
 */
export function roomKeyOf(text: string, me: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('@')) {
    const user = trimmed.slice(1);
    return USERNAME_PATTERN.test(user) && user.toLowerCase() !== me.toLowerCase() ? dmRoomKey(me, user) : undefined;
  }
  const key = trimmed.replace(/^#/, '').toLowerCase();
  return ROOM_SLUG_PATTERN.test(key) || isDmRoomKey(key) ? key : undefined;
}

function notARoom(text: string): string {
  return `"${oneLine(text, 40)}" is not a room name: lowercase letters, digits, - and _ (up to 64), or @user for a conversation`;
}

/** Waits until nothing is pending (or `timeoutMs`), so a quick `/quit` does not drop a message. */
async function waitForSends(client: HubbubClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (client.outgoing().some((o) => o.status === 'pending') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
