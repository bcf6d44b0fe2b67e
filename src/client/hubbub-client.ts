/**
 * `HubbubClient`: a long-lived connection to hubbub that survives what networks and servers do.
 * It reconnects with exponential backoff and full jitter (rotating through several server URLs),
 * resumes every room from the last `seq` it holds and drops anything it has seen, keeps outgoing
 * messages in a queue until they are acknowledged (retrying with the same `clientMsgId`), and
 * renews the access token before it expires (refresh, then `auth` on the live socket).
 * Runs in browsers (the global WebSocket) and in Node (pass `ws` as `WebSocket`).
 */
import type { Availability } from '../protocol/availability.js';
import type { SessionTokens } from '../protocol/http.js';
import type { AckEvent, HistoryEvent, Message, MessageEvent, WelcomeEvent } from '../protocol/events.js';
import { CLOSE_CODES } from '../protocol/codes.js';
import { fullJitterDelay, type BackoffOptions } from './backoff.js';
import type { ClientEvents, ConnectionState } from './client-events.js';
import { TypedEmitter } from './emitter.js';
import { Endpoints, webSocketUrlOf } from './endpoints.js';
import { HubbubError } from './errors.js';
import { HubbubHttp, type HistoryPageQuery } from './http-client.js';
import { DEFAULT_SEND_RETRY, SendQueue, randomClientMsgId, type OutgoingSend, type SendPacing, type SendRetryOptions, type SendUpdate } from './send-queue.js';
import { SeqTracker } from './seq-tracker.js';
import { HubbubSocket, type WebSocketFactory } from './socket-client.js';
import { TokenKeeper, isFatalAuthError, type Credentials, type Renewer } from './token-keeper.js';

export interface HubbubClientOptions {
  /** The server's HTTP base URL (`https://chat.example.com`), or several nodes to rotate through. */
  readonly url: string | readonly string[];
  /** The login: tokens from `HubbubHttp.login`/`register`, or an operator-signed access token. */
  readonly credentials: Credentials;
  /**
   * Renews the credentials. By default a refresh token is exchanged with `POST /api/auth/refresh`
   * (through `refresh`); pass this for operator-signed tokens (ask your backend for a new one).
   */
  readonly renew?: Renewer;
  /** Replaces the refresh call (for example to serialise it across browser tabs). */
  readonly refresh?: (refreshToken: string, http: HubbubHttp) => Promise<SessionTokens>;
  /** The WebSocket class: the global one by default (browsers, Node 22+); `ws` in Node 20. */
  readonly WebSocket?: WebSocketFactory;
  /** Reconnection delays: full jitter between 0 and `min(maxMs, baseMs·2^attempt)`. */
  readonly backoff?: BackoffOptions;
  /** Positions to resume from (per room, the last `seq` the caller holds), e.g. kept from before. */
  readonly resume?: Readonly<Record<string, number>>;
  /** When outgoing messages are retried and when they are given up. */
  readonly sendRetry?: SendRetryOptions;
  /** Renew the access token this long before it expires (or at 3/4 of a shorter life). */
  readonly renewBeforeMs?: number;
  /** How long one connection attempt may take, to `welcome`. */
  readonly connectTimeoutMs?: number;
  /** An application-level ping this often detects a dead connection the OS has not noticed; 0 = off. */
  readonly pingIntervalMs?: number;
  /** Random numbers in [0, 1) for the jitter (tests pass their own). */
  readonly random?: () => number;
  /** Makes the `clientMsgId` of a new message. */
  readonly newClientMsgId?: () => string;
}

export type { OutgoingSend } from './send-queue.js';

/** Close codes after which reconnecting cannot help. */
const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([CLOSE_CODES.forbidden]);
/** Close codes that mean "renew the token, then reconnect at once". */
const AUTH_CLOSE_CODES: ReadonlySet<number> = new Set([CLOSE_CODES.unauthorized, CLOSE_CODES.tokenExpired]);
/** A connection open this long resets the backoff (one that drops at once does not). */
const STABLE_CONNECTION_MS = 5000;
/** Client-side close code for a connection that stopped answering pings. */
const PING_TIMEOUT_CLOSE = 4000;

/** Minimal view of the browser globals used to follow the network; absent in Node. */
interface NetworkGlobals {
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
  navigator?: { onLine?: boolean };
}

export class HubbubClient extends TypedEmitter<ClientEvents> {
  readonly #endpoints: Endpoints;
  readonly #tokens: TokenKeeper;
  readonly #seqs: SeqTracker;
  readonly #options: HubbubClientOptions;
  readonly #random: () => number;
  readonly #http = new Map<string, HubbubHttp>();
  readonly #sends: SendQueue;

  #state: ConnectionState = { status: 'idle' };
  #socket: HubbubSocket | undefined;
  #welcome: WelcomeEvent | undefined;
  #running = false;
  #stopped = false;
  #attempt = 0;
  #wake: (() => void) | undefined;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #networkDown = false;
  readonly #onOnline = (): void => {
    this.#networkDown = false;
    this.reconnectNow();
  };
  readonly #onOffline = (): void => {
    this.#networkDown = true;
    // The socket may linger for a minute before the OS gives up on it; say so at once.
    this.#socket?.close(PING_TIMEOUT_CLOSE, 'offline');
    this.#wake?.();
  };

  constructor(options: HubbubClientOptions) {
    super();
    this.#options = options;
    this.#endpoints = new Endpoints(options.url);
    this.#seqs = new SeqTracker(options.resume);
    this.#random = options.random ?? Math.random;
    this.#sends = new SendQueue({
      retry: { ...DEFAULT_SEND_RETRY, ...options.sendRetry },
      random: this.#random,
      newClientMsgId: options.newClientMsgId ?? randomClientMsgId,
      socket: () => (this.#state.status === 'open' && this.#socket?.isOpen === true ? this.#socket : undefined),
      onUpdate: (update) => this.emit('send', update),
      onPacing: (pacing) => this.emit('pacing', pacing),
      me: () => this.#welcome?.user.username,
    });
    this.#tokens = new TokenKeeper(options.credentials, this.#renewerFor(options));
  }

  /** The connection state (see `ConnectionState`); every change is a `state` event. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The signed-in user, once a connection was welcomed. */
  get user(): WelcomeEvent['user'] | undefined {
    return this.#welcome?.user;
  }

  /** The latest `welcome`. */
  get welcome(): WelcomeEvent | undefined {
    return this.#welcome;
  }

  /** The current credentials (the refresh token rotates: persist it on each `tokens` event). */
  get credentials(): Credentials {
    return this.#tokens.credentials;
  }

  /** An HTTP client for the current server, with the current access token. */
  get http(): HubbubHttp {
    const url = this.#endpoints.current;
    let http = this.#http.get(url);
    if (http === undefined) this.#http.set(url, (http = new HubbubHttp(url)));
    http.accessToken = this.#tokens.accessToken;
    return http;
  }

  /** Per room, the last `seq` this client holds: what it resumes from. */
  positions(): Record<string, number> {
    return this.#seqs.snapshot();
  }

  /** Starts connecting (and keeps connected until `close()`). */
  start(): this {
    if (this.#running || this.#stopped) return this;
    this.#running = true;
    const g = globalThis as NetworkGlobals;
    g.addEventListener?.('online', this.#onOnline);
    g.addEventListener?.('offline', this.#onOffline);
    this.#networkDown = g.navigator?.onLine === false;
    this.#sends.start();
    void this.#run();
    return this;
  }

  /** Resolves when the client is connected (at once if it is); rejects if it stops first. */
  whenOpen(timeoutMs = 30_000): Promise<HubbubSocket> {
    if (this.#socket?.isOpen === true && this.#state.status === 'open') return Promise.resolve(this.#socket);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new HubbubError('timeout', `not connected within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on('state', (state) => {
        if (state.status === 'open' && this.#socket !== undefined) {
          clearTimeout(timer);
          off();
          resolve(this.#socket);
        } else if (state.status === 'closed' || (state.status === 'offline' && state.fatal)) {
          clearTimeout(timer);
          off();
          reject(new HubbubError(state.status === 'closed' ? 'closed' : 'unauthorized', 'the client stopped'));
        }
      });
    });
  }

  /** Skips the wait before the next connection attempt (a "retry now" button, the network is back). */
  reconnectNow(): void {
    this.#attempt = 0;
    this.#wake?.();
  }

  /** Stops for good: closes the connection, fails what is still queued. */
  close(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const g = globalThis as NetworkGlobals;
    g.removeEventListener?.('online', this.#onOnline);
    g.removeEventListener?.('offline', this.#onOffline);
    this.#clearTimers();
    this.#socket?.close(1000, 'bye');
    this.#socket = undefined;
    this.#sends.close(new HubbubError('closed', 'the client was closed'));
    this.#wake?.();
    this.#setState({ status: 'closed' });
  }

  // ── Messages ──────────────────────────────────────────────────────────────────────────────

  /**
   * Queues a message to a room; it is sent (and re-sent) until acknowledged, after the messages
   * queued before it to the same room. `clientMsgId` re-queues a message kept from before (a
   * reload): the server stores it once even if it arrived then.
   */
  send(room: string, text: string, options: { clientMsgId?: string } = {}): OutgoingSend {
    return this.#sends.enqueue({ room }, text, options.clientMsgId);
  }

  /** Queues a direct message to a user (the `dm:a:b` conversation is created on first use). */
  sendDirect(to: string, text: string, options: { clientMsgId?: string } = {}): OutgoingSend {
    return this.#sends.enqueue({ to }, text, options.clientMsgId);
  }

  /** Conversations held back by the server's rate limit, and until when (also the `pacing` event). */
  pacing(): SendPacing[] {
    return this.#sends.pacing();
  }

  /** Sends a failed message again, with the same `clientMsgId` (so it cannot be stored twice). */
  retry(clientMsgId: string): OutgoingSend | undefined {
    return this.#sends.retry(clientMsgId);
  }

  /** Messages not yet acknowledged, and failed ones, oldest first. */
  outgoing(): SendUpdate[] {
    return this.#sends.list();
  }

  /** Forgets a failed message (the user discarded it). */
  discard(clientMsgId: string): void {
    this.#sends.discard(clientMsgId);
  }

  // ── Rooms ─────────────────────────────────────────────────────────────────────────────────

  /** Joins (or creates) a public room; live events of the room follow from its current end. */
  async join(room: string): Promise<AckEvent> {
    const ack = (await this.#call((socket) => socket.join(room))) as AckEvent;
    if (ack.lastSeq !== undefined) this.#seqs.follow(room, ack.lastSeq);
    return ack;
  }

  async leave(room: string): Promise<void> {
    await this.#call((socket) => socket.leave(room));
    this.#seqs.forget(room);
  }

  /** A page of history: over the socket when connected, over HTTP otherwise. */
  async history(room: string, query: HistoryPageQuery = {}): Promise<{ messages: Message[]; hasMore: boolean }> {
    if (this.#socket?.isOpen === true) {
      try {
        const page: HistoryEvent = await this.#socket.history(room, query);
        return { messages: page.messages, hasMore: page.hasMore };
      } catch (error) {
        if (!(error instanceof HubbubError) || error.code !== 'closed') throw error;
      }
    }
    return this.api((http) => http.messages(room, query));
  }

  /** Moves the read position (receipts go to the room's members). */
  async read(room: string, seq: number): Promise<void> {
    await this.#call((socket) => socket.read(room, seq));
  }

  /**
   * Sets the user's availability (`active`, `away`, `dnd`): stored for the user, so every device
   * and later session has it; the user's rooms hear it as a `presence` event.
   */
  async setAvailability(availability: Availability): Promise<void> {
    await this.#call((socket) => socket.setAvailability(availability));
  }

  /** Tells the room the user is typing; dropped while disconnected (typing is ephemeral). */
  typing(room: string, active: boolean): void {
    if (this.#socket?.isOpen !== true) return;
    try {
      this.#socket.typing(room, active);
    } catch {
      // Closed between the check and the write: nothing to do, typing is best-effort.
    }
  }

  /**
   * Runs an HTTP call with a fresh access token; an `unauthorized` answer renews the token and
   * runs it once more.
   */
  async api<T>(call: (http: HubbubHttp) => Promise<T>): Promise<T> {
    if (this.#tokens.isStale(Date.now(), 5_000) && this.#tokens.canRenew) await this.#renewTokens();
    try {
      return await call(this.http);
    } catch (error) {
      if (!(error instanceof HubbubError) || error.code !== 'unauthorized' || !this.#tokens.canRenew) throw error;
      await this.#renewTokens();
      return call(this.http);
    }
  }

  // ── The connection loop ───────────────────────────────────────────────────────────────────

  async #run(): Promise<void> {
    let renewedForAuth = false;
    while (!this.#stopped) {
      if (this.#networkDown) {
        this.#setState({ status: 'offline', reason: 'no network', fatal: false });
        await this.#sleep(undefined);
        continue;
      }
      const url = this.#endpoints.current;
      this.#setState({ status: 'connecting', attempt: this.#attempt, url });
      let delayMs: number;
      let reason: string;
      try {
        if (this.#tokens.canRenew && this.#tokens.isStale(Date.now(), 5_000)) await this.#renewTokens();
        const socket = await this.#open(url);
        if (this.#stopped) {
          socket.close(1000, 'bye');
          return;
        }
        renewedForAuth = false;
        const openedAt = Date.now();
        const closed = await this.#attach(socket, url);
        if (this.#stopped) return;
        // A connection that lived a while earns a fresh start; one closed at once keeps backing off.
        if (Date.now() - openedAt >= STABLE_CONNECTION_MS) this.#attempt = 0;
        if (FATAL_CLOSE_CODES.has(closed.code)) {
          this.#halt(new HubbubError('forbidden', `the server refused the connection (${closed.code} ${closed.reason})`));
          return;
        }
        reason = `connection closed (${closed.code}${closed.reason === '' ? '' : ` ${closed.reason}`})`;
        if (AUTH_CLOSE_CODES.has(closed.code) && this.#tokens.canRenew) {
          await this.#renewTokens();
          renewedForAuth = true;
          // Reconnect at once with the new token, unless that is what just failed.
          if (this.#attempt === 0) continue;
        }
        if (closed.code === CLOSE_CODES.goingAway) this.#endpoints.rotate();
        delayMs = fullJitterDelay(this.#attempt++, this.#options.backoff, this.#random);
      } catch (error) {
        if (this.#stopped) return;
        // A hello the server refused (socket-level: no HTTP status): the token expired or was
        // revoked. Renew once and try again at once; refused again, the login is gone.
        if (error instanceof HubbubError && error.code === 'unauthorized' && error.status === undefined) {
          if (!this.#tokens.canRenew || renewedForAuth) {
            this.#halt(error);
            return;
          }
          try {
            await this.#renewTokens();
            renewedForAuth = true;
            continue;
          } catch (renewError) {
            if (isFatalAuthError(renewError)) {
              this.#halt(renewError as Error);
              return;
            }
          }
        } else if (isFatalAuthError(error)) {
          // The refresh before connecting was refused (revoked, reused, expired).
          this.#halt(error as Error);
          return;
        }
        this.#endpoints.rotate();
        reason = error instanceof Error ? error.message : String(error);
        delayMs = fullJitterDelay(this.#attempt++, this.#options.backoff, this.#random);
      }
      if (this.#networkDown) continue; // no point waiting out a delay: say offline at once
      this.#setState({ status: 'reconnecting', attempt: this.#attempt, delayMs, retryAt: Date.now() + delayMs, reason });
      await this.#sleep(delayMs);
    }
  }

  /** One connection attempt, with every listener in place before `hello`. */
  #open(url: string): Promise<HubbubSocket> {
    const WebSocket = this.#options.WebSocket;
    const resume = this.#seqs.snapshot();
    return HubbubSocket.connect(webSocketUrlOf(url), {
      token: this.#tokens.accessToken,
      ...(Object.keys(resume).length > 0 ? { resume } : {}),
      ...(WebSocket === undefined ? {} : { WebSocket }),
      timeoutMs: this.#options.connectTimeoutMs ?? 10_000,
      listeners: {
        welcome: (event) => this.#onWelcome(event),
        message: (event) => this.#onMessage(event),
        member: (event) => this.emit('member', event),
        presence: (event) => this.emit('presence', event),
        typing: (event) => this.emit('typing', event),
        receipt: (event) => this.emit('receipt', event),
        error: (event) => this.emit('error', { ...event }),
      },
    });
  }

  /** Uses a welcomed socket until it closes; resolves with how it closed. */
  async #attach(socket: HubbubSocket, url: string): Promise<{ code: number; reason: string }> {
    this.#socket = socket;
    this.#scheduleRenewal();
    this.#startPing(socket);
    this.#setState({ status: 'open', url, sessionId: socket.welcome.sessionId });
    this.#sends.pump();
    const closed = await socket.closed;
    if (this.#socket === socket) this.#socket = undefined;
    this.#clearTimers();
    return closed;
  }

  #onWelcome(event: WelcomeEvent): void {
    this.#welcome = event;
    for (const [room, result] of Object.entries(event.resumed)) if (!result.recovered) this.#seqs.forget(room);
    // Rooms the client did not follow yet go live from their current end.
    for (const room of event.rooms) this.#seqs.follow(room.room, room.lastSeq);
    this.emit('welcome', event);
  }

  #onMessage(event: MessageEvent): void {
    if (!this.#seqs.accept(event.room, event.seq)) return; // seen already: a replay overlapping what we hold
    // Our own message coming back settles its send even when the ack was lost with a connection.
    if (event.from.toLowerCase() === this.#welcome?.user.username.toLowerCase()) this.#sends.settleFromEcho(event);
    this.emit('message', event);
  }

  #setState(state: ConnectionState): void {
    this.#state = state;
    this.emit('state', state);
  }

  /** Stops trying: the user must act (sign in again). */
  #halt(error: Error): void {
    this.#running = false;
    this.#setState({ status: 'offline', reason: error.message, fatal: true });
    this.emit('authFailed', { error });
    this.#sends.failPending(error instanceof HubbubError ? error : new HubbubError('unauthorized', error.message));
  }

  /** Waits `ms` (forever when undefined) or until `reconnectNow`, the network returning or `close`. */
  #sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  /** Runs a command on the open socket; waits for a connection and tries again if it drops. */
  async #call<T>(command: (socket: HubbubSocket) => Promise<T>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const socket = await this.whenOpen(Math.max(1, deadline - Date.now()));
      try {
        return await command(socket);
      } catch (error) {
        if (!(error instanceof HubbubError) || error.code !== 'closed' || Date.now() >= deadline) throw error;
      }
    }
  }

  // ── Tokens ────────────────────────────────────────────────────────────────────────────────

  #renewerFor(options: HubbubClientOptions): Renewer | undefined {
    if (options.renew !== undefined) return options.renew;
    return async (current) => {
      if (current.refreshToken === undefined) throw new HubbubError('unauthorized', 'no refresh token to renew the access token with');
      const http = new HubbubHttp(this.#endpoints.current);
      const tokens = await (options.refresh ?? ((token, client) => client.refresh(token)))(current.refreshToken, http);
      return { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() + tokens.expiresIn * 1000 };
    };
  }

  async #renewTokens(): Promise<Credentials> {
    const credentials = await this.#tokens.renew();
    this.emit('tokens', credentials);
    return credentials;
  }

  /** Renews ahead of expiry and hands the new token to the live socket with `auth`. */
  #scheduleRenewal(): void {
    if (this.#renewTimer !== undefined) clearTimeout(this.#renewTimer);
    const delay = this.#tokens.renewIn(Date.now(), this.#options.renewBeforeMs ?? 60_000);
    if (delay === undefined) return;
    this.#renewTimer = setTimeout(() => void this.#renewLive(), delay);
  }

  async #renewLive(): Promise<void> {
    const socket = this.#socket;
    try {
      const credentials = await this.#renewTokens();
      if (socket === undefined || socket !== this.#socket) return; // reconnected meanwhile: #attach scheduled anew
      if (socket.isOpen) await socket.auth(credentials.accessToken);
      if (socket === this.#socket) this.#scheduleRenewal();
    } catch (error) {
      if (isFatalAuthError(error)) {
        socket?.close(1000, 'signed out');
        this.#halt(error as Error);
        return;
      }
      // The network or the server failed the refresh: try again soon. If the token runs out
      // first, the server closes with 4010 and the loop renews before reconnecting.
      if (this.#socket === socket && socket !== undefined) this.#renewTimer = setTimeout(() => void this.#renewLive(), 2000);
    }
  }

  #startPing(socket: HubbubSocket): void {
    const interval = this.#options.pingIntervalMs ?? 25_000;
    if (interval <= 0) return;
    this.#pingTimer = setInterval(() => {
      socket.request({ type: 'ping' }, { timeoutMs: Math.min(10_000, interval) }).catch((error: unknown) => {
        if (error instanceof HubbubError && error.code === 'timeout') socket.close(PING_TIMEOUT_CLOSE, 'ping timeout');
      });
    }, interval);
  }

  #clearTimers(): void {
    if (this.#renewTimer !== undefined) clearTimeout(this.#renewTimer);
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    this.#renewTimer = this.#pingTimer = undefined;
  }
}
