/**
 * The typed WebSocket half of the SDK: one connection, `hello` → `welcome`, commands answered by
 * id (ack, history, pong, or a rejected promise with the server's error), and server events to
 * listeners. Runs in browsers (the global WebSocket) and in Node (pass the `ws` class).
 */
import type { Availability } from '../protocol/availability.js';
import type { ClientCommand, HelloCommand } from '../protocol/commands.js';
import type {
  AckEvent,
  HistoryEvent,
  MemberEvent,
  MessageEvent,
  PresenceEvent,
  ReceiptEvent,
  ServerEvent,
  TypingEvent,
  WelcomeEvent,
} from '../protocol/events.js';
import { HubbubError } from './errors.js';

/** The part of the WebSocket API the client uses; browsers' WebSocket and `ws` both have it. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

export type WebSocketFactory = new (url: string) => WebSocketLike;

/** Events a listener can follow, by type. */
export interface SocketEvents {
  message: MessageEvent;
  member: MemberEvent;
  presence: PresenceEvent;
  typing: TypingEvent;
  receipt: ReceiptEvent;
  /** An error that answers no command (or a command sent without waiting). */
  error: { type: 'error'; id?: string | undefined; code: string; message: string };
  close: { code: number; reason: string };
  /** The server's `welcome`, before any event that follows it in the same frame (a replay). */
  welcome: WelcomeEvent;
}

type Listener<T> = (event: T) => void;

/** A command as the caller writes it: the client adds the id. */
export type CommandInput = ClientCommand extends infer C ? (C extends { id?: string } ? Omit<C, 'id'> : never) : never;

export interface ConnectOptions {
  readonly token: string;
  readonly resume?: Record<string, number>;
  /** The WebSocket class; defaults to the global one (browsers, Node 22+). */
  readonly WebSocket?: WebSocketFactory;
  /** How long to wait for `welcome`. */
  readonly timeoutMs?: number;
  /**
   * Listeners attached before `hello` is sent, so that nothing that follows `welcome` at once
   * (a resume's replay) can be missed.
   */
  readonly listeners?: { readonly [K in keyof SocketEvents]?: Listener<SocketEvents[K]> };
}

export class HubbubSocket {
  /** The server's `welcome`; set once `connect` resolves. */
  welcome!: WelcomeEvent;
  /** Resolves when the connection is closed, by either side. */
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #ws: WebSocketLike;
  readonly #waiting = new Map<string, { resolve: (event: ServerEvent) => void; reject: (error: Error) => void }>();
  readonly #listeners = new Map<keyof SocketEvents, Set<Listener<never>>>();
  #nextId = 1;

  private constructor(ws: WebSocketLike, closed: Promise<{ code: number; reason: string }>) {
    this.#ws = ws;
    this.closed = closed;
  }

  /** Opens a connection and authenticates; resolves with the welcomed socket. */
  static connect(url: string, options: ConnectOptions): Promise<HubbubSocket> {
    const Ctor = options.WebSocket ?? (globalThis as unknown as { WebSocket?: WebSocketFactory }).WebSocket;
    if (Ctor === undefined) throw new Error('no WebSocket implementation: pass options.WebSocket');
    const ws = new Ctor(url);
    let closeResolve: (value: { code: number; reason: string }) => void = () => {};
    const closed = new Promise<{ code: number; reason: string }>((resolve) => (closeResolve = resolve));
    const socket = new HubbubSocket(ws, closed);
    for (const [type, listener] of Object.entries(options.listeners ?? {})) {
      if (listener !== undefined) socket.#addListener(type as keyof SocketEvents, listener as Listener<never>);
    }
    let welcomed = false;

    return new Promise<HubbubSocket>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new HubbubError('timeout', 'no welcome in time'));
        ws.close();
      }, options.timeoutMs ?? 10_000);
      ws.addEventListener('open', () => {
        const hello: HelloCommand = { type: 'hello', id: 'hello', token: options.token };
        if (options.resume !== undefined) hello.resume = options.resume;
        ws.send(JSON.stringify(hello));
      });
      ws.addEventListener('message', (event) => {
        for (const item of decodeFrame(event.data)) {
          if (welcomed) {
            socket.#dispatch(item);
          } else if (item.type === 'welcome') {
            clearTimeout(timer);
            welcomed = true;
            socket.welcome = item;
            socket.#emit('welcome', item);
            resolve(socket);
          } else if (item.type === 'error' && item.id === 'hello') {
            clearTimeout(timer);
            reject(new HubbubError(item.code, item.message));
          }
        }
      });
      ws.addEventListener('error', () => {});
      ws.addEventListener('close', (event) => {
        clearTimeout(timer);
        const info = { code: event.code, reason: String(event.reason) };
        closeResolve(info);
        if (!welcomed) reject(new HubbubError('closed', `closed before welcome (${info.code} ${info.reason})`));
        else socket.#onClose(info);
      });
    });
  }

  on<K extends keyof SocketEvents>(type: K, listener: Listener<SocketEvents[K]>): () => void {
    return this.#addListener(type, listener as Listener<never>);
  }

  #addListener(type: keyof SocketEvents, listener: Listener<never>): () => void {
    let set = this.#listeners.get(type);
    if (set === undefined) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Sends a command and resolves with the event that answers it (ack, history or pong). With
   * `timeoutMs`, rejects with a `timeout` HubbubError when no answer comes in time (a late answer
   * is then ignored).
   */
  request(command: CommandInput, options: { timeoutMs?: number } = {}): Promise<ServerEvent> {
    const id = `c${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        this.#waiting.delete(id);
      };
      this.#waiting.set(id, {
        resolve: (event) => {
          settle();
          resolve(event);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.#waiting.delete(id);
          reject(new HubbubError('timeout', `no answer to ${command.type} in ${options.timeoutMs} ms`));
        }, options.timeoutMs);
      }
      try {
        this.raw(JSON.stringify({ ...command, id }));
      } catch (error) {
        settle();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** True while the connection is open (commands can be sent). */
  get isOpen(): boolean {
    return this.#ws.readyState === 1;
  }

  /** Sends text as it is (for tests of bad input and for fire-and-forget commands). */
  raw(text: string): void {
    if (this.#ws.readyState !== 1) throw new HubbubError('closed', 'the connection is closed');
    this.#ws.send(text);
  }

  async send(room: string, text: string, clientMsgId?: string): Promise<AckEvent> {
    return (await this.request({ type: 'send', room, text, ...(clientMsgId === undefined ? {} : { clientMsgId }) })) as AckEvent;
  }

  async sendDirect(to: string, text: string, clientMsgId?: string): Promise<AckEvent> {
    return (await this.request({ type: 'send', to, text, ...(clientMsgId === undefined ? {} : { clientMsgId }) })) as AckEvent;
  }

  async join(room: string): Promise<AckEvent> {
    return (await this.request({ type: 'join', room })) as AckEvent;
  }

  async leave(room: string): Promise<AckEvent> {
    return (await this.request({ type: 'leave', room })) as AckEvent;
  }

  async history(room: string, query: { before?: number; after?: number; limit?: number } = {}): Promise<HistoryEvent> {
    return (await this.request({ type: 'history', room, ...query })) as HistoryEvent;
  }

  async read(room: string, seq: number): Promise<AckEvent> {
    return (await this.request({ type: 'read', room, seq })) as AckEvent;
  }

  /** Sets the user's availability (`active`, `away`, `dnd`); acked with `availability`. */
  async setAvailability(availability: Availability): Promise<AckEvent> {
    return (await this.request({ type: 'status', availability })) as AckEvent;
  }

  /** Typing has no answer: it is sent without an id. */
  typing(room: string, active: boolean): void {
    this.raw(JSON.stringify({ type: 'typing', room, active }));
  }

  async auth(token: string): Promise<AckEvent> {
    return (await this.request({ type: 'auth', token })) as AckEvent;
  }

  async ping(): Promise<void> {
    await this.request({ type: 'ping' });
  }

  close(code = 1000, reason = 'bye'): void {
    this.#ws.close(code, reason);
  }

  #dispatch(event: ServerEvent): void {
    const id = 'id' in event ? event.id : undefined;
    if (id !== undefined && (event.type === 'ack' || event.type === 'history' || event.type === 'pong' || event.type === 'error')) {
      const waiter = this.#waiting.get(id);
      if (waiter !== undefined) {
        this.#waiting.delete(id);
        if (event.type === 'error') waiter.reject(new HubbubError(event.code, event.message, undefined, event.retryAfter));
        else waiter.resolve(event);
        return;
      }
    }
    if (event.type in eventTypes) this.#emit(event.type as keyof SocketEvents, event as never);
  }

  #emit<K extends keyof SocketEvents>(type: K, event: SocketEvents[K]): void {
    const set = this.#listeners.get(type);
    if (set === undefined) return;
    for (const listener of set) (listener as Listener<SocketEvents[K]>)(event);
  }

  #onClose(info: { code: number; reason: string }): void {
    const waiters = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const waiter of waiters) waiter.reject(new HubbubError('closed', `connection closed (${info.code})`));
    this.#emit('close', info);
  }
}

const eventTypes = { message: 1, member: 1, presence: 1, typing: 1, receipt: 1, error: 1 } as const;

/** A frame holds one event or an array of them. */
export function decodeFrame(data: unknown): ServerEvent[] {
  const text = typeof data === 'string' ? data : String(data);
  const parsed = JSON.parse(text) as ServerEvent | ServerEvent[];
  return Array.isArray(parsed) ? parsed : [parsed];
}
