/**
 * hubbub itself as a target: the real `hubbub serve` CLI in a child process, on a fresh SQLite
 * file, driven by a raw `ws` client that speaks the v1 wire protocol with signed tokens.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { WebSocket, type RawData } from 'ws';
import { parseSentAt, type BenchClient, type ConnectOptions, type DeliverySink, type RunningTarget, type StartOptions, type Target } from '../types.js';
import { findModule, spawnServer } from './process.js';

/** The JWT secret bench servers run with (48 characters; never use it anywhere else). */
export const BENCH_JWT_SECRET = 'hubbub-bench-secret:never-use-this-in-production';

/** Lifetime of the tokens the tool signs. A connection outliving its token is closed (4010). */
const TOKEN_TTL_SECONDS = 3600;
/** A cached token with less life left than this is signed again. */
const TOKEN_RENEW_MARGIN_SECONDS = 600;
const CLOSE_WAIT_MS = 2000;
const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
/**
 * Commands one connection keeps unanswered at most: hubbub answers more with `rate_limited`
 * (the hub's `maxInFlight`, 256). Further commands wait in the client, as with the SDK.
 */
const MAX_IN_FLIGHT = 256;

/** The real server, its production settings, with the limits that would throttle a load test off. */
export const hubbubTarget: Target = hubbubTargetFrom('hubbub', cliEntry);

/**
 * Another checkout of hubbub (its `src/cli/main.ts`, run from source), measured in the same
 * run as this one: the "before" of a before/after comparison.
 */
export function hubbubBaselineTarget(checkout: string): Target {
  return hubbubTargetFrom('hubbub-baseline', () => join(resolve(checkout), 'src', 'cli', 'main.ts'));
}

/** hubbub started from the CLI script `entry` names, reported as `name`. */
function hubbubTargetFrom(name: 'hubbub' | 'hubbub-baseline', entry: () => string): Target {
  return {
  name,

  async start(options: StartOptions): Promise<RunningTarget> {
    // The working directory is a fresh folder too: a developer's `.env` must not change the run.
    const dir = mkdtempSync(join(tmpdir(), 'hubbub-bench-'));
    const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      // `info`, because the listening line (with the port picked) is logged at that level; then
      // only a few lines per connection, and stdout is drained.
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      JWT_SECRET: BENCH_JWT_SECRET,
      MESSAGE_RATE_LIMIT: '0',
      AUTH_RATE_LIMIT: '0',
      HISTORY_RATE_LIMIT: '0',
      MEMBERSHIP_RATE_LIMIT: '0',
      ROOM_CREATE_RATE_LIMIT: '0',
      // The most the server accepts; bench users are one per client anyway.
      MAX_CONNECTIONS_PER_USER: '10000',
      // Every bench client connects from 127.0.0.1.
      MAX_CONNECTIONS_PER_IP: '0',
      DATABASE_URL: join(dir, 'hubbub.db'),
      ...options.env,
    };
    // The listening line is logged at `info`: a quieter level would hide it.
    if (!['info', 'debug', 'trace'].includes(env.LOG_LEVEL ?? '')) env.LOG_LEVEL = 'info';
    // Set by `node --test` for its own children; meaningless to a server.
    delete env.NODE_TEST_CONTEXT;
    let script: string;
    try {
      script = entry();
    } catch (error) {
      cleanup();
      throw error;
    }
    return spawnServer({ name, script, args: ['serve'], env, cwd: dir, cpu: options.cpu, ready: listeningUrl, cleanup });
  },

  async connect(target: RunningTarget, options: ConnectOptions): Promise<BenchClient> {
    const token = await signBenchToken(options.user);
    const socket = new WebSocket(`${target.url.replace(/^http/, 'ws')}/ws`, {
      localAddress: options.localAddress,
      perMessageDeflate: false,
      skipUTF8Validation: true,
      maxPayload: MAX_PAYLOAD_BYTES,
    });
    const client = new HubbubClient(socket, options.sink);
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error): void => reject(new Error(`hubbub: cannot connect as ${options.user}: ${error.message}`));
      socket.once('open', () => {
        socket.off('error', fail);
        resolve();
      });
      socket.once('error', fail);
    });
    await client.hello(token);
    return client;
  },
  };
}

/**
 * The CLI to run: the TypeScript source when this module is TypeScript, else the compiled one
 * (`tsc -p tsconfig.json` puts it in `dist/src/cli/`, `tsconfig.build.json` in `dist/cli/`).
 */
function cliEntry(): string {
  if (fileURLToPath(import.meta.url).endsWith('.ts')) return findModule(import.meta.url, ['../../src/cli/main.ts']);
  return findModule(import.meta.url, ['../../src/cli/main.js', '../../cli/main.js', '../../../dist/src/cli/main.js', '../../../dist/cli/main.js']);
}

/** The URL in hubbub's `hubbub is listening` log line. */
function listeningUrl(line: string): string | undefined {
  if (!line.includes('hubbub is listening')) return undefined;
  const record = JSON.parse(line) as { msg?: unknown; url?: unknown };
  return record.msg === 'hubbub is listening' && typeof record.url === 'string' ? record.url : undefined;
}

const secretKey = new TextEncoder().encode(BENCH_JWT_SECRET);
const tokens = new Map<string, { readonly token: Promise<string>; readonly expiresAt: number }>();

/**
 * An HS256 access token for `user` (claims sub, iat, exp), as an operator's backend would sign
 * it; hubbub creates the user on first use. Cached: thousands of clients reconnect cheaply.
 */
export function signBenchToken(user: string): Promise<string> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const cached = tokens.get(user);
  if (cached !== undefined && cached.expiresAt - nowSeconds > TOKEN_RENEW_MARGIN_SECONDS) return cached.token;
  const expiresAt = nowSeconds + TOKEN_TTL_SECONDS;
  const token = new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(user).setIssuedAt(nowSeconds).setExpirationTime(expiresAt).sign(secretKey);
  tokens.set(user, { token, expiresAt });
  return token;
}

// Server frames are JSON.stringify output, so these byte patterns are exact. A string value
// cannot contain them: its quotes are escaped.
const TYPE_KEY = Buffer.from('"type":"');
const TEXT_KEY = Buffer.from('"text":"');
const MESSAGE_TYPE = Buffer.from('message"');
/** The server writes `type` then `id` first in every ack (`ackFrame`). */
const ACK_WITH_ID = Buffer.from('ack","id":"');
/** Events the tool has no use for: skipped without parsing. */
const IGNORED_TYPES = ['member"', 'presence"', 'typing"', 'receipt"', 'pong"'].map((type) => Buffer.from(type));
const QUOTE = 0x22;
const BAR = 0x7c; // '|'

type Pending = { resolve: () => void; reject: (error: Error) => void };

class HubbubClient implements BenchClient {
  readonly #socket: WebSocket;
  readonly #sink: DeliverySink | undefined;
  readonly #pending = new Map<string, Pending>();
  /** Frames waiting for a free in-flight slot, oldest first from `#waitingHead`. */
  #waiting: string[] = [];
  #waitingHead = 0;
  #inFlight = 0;
  #welcome: Pending | undefined;
  #nextId = 0;
  /** Makes clientMsgIds unique across clients and runs sharing a database (no dedup hits). */
  readonly #msgIdPrefix = randomBytes(9).toString('base64url');

  constructor(socket: WebSocket, sink: DeliverySink | undefined) {
    this.#socket = socket;
    this.#sink = sink;
    socket.on('message', (data: RawData) => this.#onFrame(toBuffer(data)));
    // Errors end in 'close'; the listener only keeps them from being thrown.
    socket.on('error', () => {});
    socket.once('close', (code, reason) => {
      const error = new Error(`hubbub: the connection closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`);
      this.#welcome?.reject(error);
      this.#welcome = undefined;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
      this.#waiting = [];
      this.#waitingHead = 0;
    });
  }

  /** Authenticates the open socket; resolves on `welcome`. */
  hello(token: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#welcome = { resolve, reject };
      this.#socket.send(JSON.stringify({ type: 'hello', token }));
    });
  }

  join(room: string): Promise<void> {
    return this.#request((id) => JSON.stringify({ type: 'join', id, room }));
  }

  publish(room: string, text: string): Promise<void> {
    return this.#request((id) => JSON.stringify({ type: 'send', id, room, text, clientMsgId: this.#msgIdPrefix + id }));
  }

  close(): Promise<void> {
    const socket = this.#socket;
    if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => socket.terminate(), CLOSE_WAIT_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close();
    });
  }

  /**
   * Sends the command `build(id)`, or queues it while `MAX_IN_FLIGHT` are unanswered; settles
   * on the `ack` or `error` carrying that id.
   */
  #request(build: (id: string) => string): Promise<void> {
    if (this.#socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('hubbub: the connection is closed'));
    const id = String(++this.#nextId);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#inFlight < MAX_IN_FLIGHT) {
        this.#inFlight++;
        this.#socket.send(build(id));
      } else {
        this.#waiting.push(build(id));
      }
    });
  }

  /** Sends queued commands into the slots answers freed. */
  #sendWaiting(): void {
    while (this.#inFlight < MAX_IN_FLIGHT && this.#waitingHead < this.#waiting.length) {
      const frame = this.#waiting[this.#waitingHead++];
      if (frame === undefined) break;
      this.#inFlight++;
      this.#socket.send(frame);
    }
    if (this.#waitingHead === this.#waiting.length && this.#waitingHead > 0) {
      this.#waiting = [];
      this.#waitingHead = 0;
    }
  }

  /**
   * One frame: one event or an array of them. Messages and acks, nearly all the traffic, are
   * read straight from the bytes in one pass over the `"type":"` keys; a frame holding anything
   * else (welcome, error, history, an unexpected shape) is parsed as JSON instead, whole.
   */
  #onFrame(frame: Buffer): void {
    // A pure subscriber (nothing waiting for an answer) only needs the messages' send times:
    // one scan for `"text":"`, the key only message events carry.
    if (this.#pending.size === 0 && this.#welcome === undefined && this.#sink !== undefined) {
      this.#deliverTexts(frame);
      return;
    }
    let messages = 0;
    let events = 0;
    for (let at = frame.indexOf(TYPE_KEY); at !== -1; at = frame.indexOf(TYPE_KEY, at)) {
      at += TYPE_KEY.length;
      events++;
      if (bytesAt(frame, at, MESSAGE_TYPE)) {
        messages++;
      } else if (bytesAt(frame, at, ACK_WITH_ID)) {
        const start = at + ACK_WITH_ID.length;
        this.#settle(frame.toString('latin1', start, frame.indexOf(QUOTE, start)));
      } else if (!IGNORED_TYPES.some((type) => bytesAt(frame, at, type))) {
        return this.#onParsedFrame(frame);
      }
    }
    if (events === 0) return this.#onParsedFrame(frame);
    if (messages === 0 || this.#sink === undefined) return;
    // Only message events have a `text` (history, which has more, went the parsed way).
    this.#deliverTexts(frame);
  }

  /** Hands the send time of every message in the frame to the sink. */
  #deliverTexts(frame: Buffer): void {
    const sink = this.#sink!;
    for (let at = frame.indexOf(TEXT_KEY); at !== -1; at = frame.indexOf(TEXT_KEY, at)) {
      at += TEXT_KEY.length;
      const bar = frame.indexOf(BAR, at);
      sink.deliver(bar === -1 ? Number.NaN : parseDecimal(frame, at, bar));
    }
  }

  #onParsedFrame(frame: Buffer): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(frame.toString());
    } catch {
      return;
    }
    for (const event of Array.isArray(parsed) ? parsed : [parsed]) {
      if (typeof event !== 'object' || event === null) continue;
      const { type, id, text, code, message } = event as Record<string, unknown>;
      if (type === 'message') {
        this.#sink?.deliver(typeof text === 'string' ? parseSentAt(text) : Number.NaN);
      } else if (type === 'ack' && typeof id === 'string') {
        this.#settle(id);
      } else if (type === 'welcome') {
        this.#welcome?.resolve();
        this.#welcome = undefined;
      } else if (type === 'error') {
        const error = new Error(`hubbub: ${String(code)}: ${String(message)}`);
        // An error for no command of ours (a refused hello has no id) fails the hello.
        if (typeof id !== 'string' || !this.#settle(id, error)) {
          this.#welcome?.reject(error);
          this.#welcome = undefined;
        }
      }
    }
  }

  /** Settles the command `id`, if it is still waiting; says whether it was. */
  #settle(id: string, error?: Error): boolean {
    const pending = this.#pending.get(id);
    if (pending === undefined) return false;
    this.#pending.delete(id);
    this.#inFlight--;
    if (this.#waitingHead < this.#waiting.length) this.#sendWaiting();
    if (error === undefined) pending.resolve();
    else pending.reject(error);
    return true;
  }
}

/** The decimal number (digits and one dot) in `frame[start, end)`, without making a string. */
function parseDecimal(frame: Buffer, start: number, end: number): number {
  let value = 0;
  let scale = 0;
  for (let i = start; i < end; i++) {
    const byte = frame[i]!;
    if (byte === 0x2e) {
      scale = 1;
    } else if (byte >= 0x30 && byte <= 0x39) {
      value = value * 10 + (byte - 0x30);
      if (scale > 0) scale *= 10;
    } else {
      return Number.NaN;
    }
  }
  return scale > 0 ? value / scale : value;
}

/** Whether `frame` holds the bytes of `pattern` at `offset`. */
function bytesAt(frame: Buffer, offset: number, pattern: Buffer): boolean {
  return offset + pattern.length <= frame.length && frame.compare(pattern, 0, pattern.length, offset, offset + pattern.length) === 0;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
