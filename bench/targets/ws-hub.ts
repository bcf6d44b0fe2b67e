/**
 * The bare `ws` comparison target: `bench/servers/ws-hub-server.ts` driven by a raw `ws` client.
 * Its frames have a fixed shape, so the client reads them by position instead of parsing JSON.
 */
import { WebSocket, type RawData } from 'ws';
import type { BenchClient, ConnectOptions, DeliverySink, RunningTarget, StartOptions, Target } from '../types.js';
import { listeningUrl, serverScript, spawnServer } from './process.js';

/** How long `close` waits for the closing handshake before cutting the connection. */
const CLOSE_WAIT_MS = 2000;

// The server writes these with JSON.stringify, so their bytes are fixed.
const MSG_PREFIX = Buffer.from('{"t":"msg",');
const OK_PREFIX = Buffer.from('{"t":"ok","id":');
const TEXT_KEY = Buffer.from('"text":"');
const BAR = 0x7c; // '|'

/** A minimal `ws` broadcast hub: rooms as Sets of sockets, no auth, no storage, no batching. */
export const wsHubTarget: Target = {
  name: 'ws',

  start(options: StartOptions): Promise<RunningTarget> {
    return spawnServer({
      name: 'ws',
      script: serverScript('ws-hub-server'),
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...options.env },
      cpu: options.cpu,
      ready: listeningUrl,
    });
  },

  async connect(target: RunningTarget, options: ConnectOptions): Promise<BenchClient> {
    const socket = new WebSocket(target.url.replace(/^http/, 'ws'), {
      localAddress: options.localAddress,
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error): void => reject(new Error(`ws: cannot connect as ${options.user}: ${error.message}`));
      socket.once('open', () => {
        socket.off('error', fail);
        resolve();
      });
      socket.once('error', fail);
    });
    return new WsHubClient(socket, options.sink);
  },
};

type Pending = { resolve: () => void; reject: (error: Error) => void };

class WsHubClient implements BenchClient {
  readonly #socket: WebSocket;
  readonly #sink: DeliverySink | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;

  constructor(socket: WebSocket, sink: DeliverySink | undefined) {
    this.#socket = socket;
    this.#sink = sink;
    socket.on('message', (data: RawData) => this.#onFrame(toBuffer(data)));
    // Errors end in 'close'; the listener only keeps them from being thrown.
    socket.on('error', () => {});
    socket.once('close', (code) => {
      const error = new Error(`ws: the connection closed (${code})`);
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    });
  }

  join(room: string): Promise<void> {
    return this.#request((id) => JSON.stringify({ t: 'join', room, id }));
  }

  publish(room: string, text: string): Promise<void> {
    return this.#request((id) => JSON.stringify({ t: 'pub', room, text, id }));
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

  /** Sends the frame `build(id)` and settles on the server's `ok` for that id. */
  #request(build: (id: number) => string): Promise<void> {
    if (this.#socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('ws: the connection is closed'));
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#socket.send(build(id));
    });
  }

  #onFrame(frame: Buffer): void {
    if (startsWith(frame, MSG_PREFIX)) {
      if (this.#sink === undefined) return;
      const start = frame.indexOf(TEXT_KEY, MSG_PREFIX.length) + TEXT_KEY.length;
      const bar = frame.indexOf(BAR, start);
      this.#sink.deliver(start >= TEXT_KEY.length && bar > start ? Number(frame.toString('latin1', start, bar)) : Number.NaN);
    } else if (startsWith(frame, OK_PREFIX)) {
      const id = Number(frame.toString('latin1', OK_PREFIX.length, frame.length - 1));
      const pending = this.#pending.get(id);
      this.#pending.delete(id);
      pending?.resolve();
    }
  }
}

function startsWith(frame: Buffer, prefix: Buffer): boolean {
  return frame.length >= prefix.length && frame.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
