/**
 * One client connection and the state of its conversation with the server. The session owns
 * its state machine — `awaiting-hello` → `authenticating` → `open` → `closed` — and its
 * timers; the hub and the commands ask it to change state, they never set it.
 */
import type { RoomBroadcast } from './broker.js';
import type { FlushScheduler } from './outbox.js';
import { OutboundQueue } from './outbound-queue.js';
import { SessionFeed } from './session-feed.js';
import type { Connection } from './transport.js';

export type SessionState = 'awaiting-hello' | 'authenticating' | 'open' | 'closed';

/** The user a session belongs to, as far as a session and its commands see it. */
export interface SessionUser {
  readonly id: number;
  readonly username: string;
  /** The user's rooms: key → room id. */
  readonly rooms: ReadonlyMap<string, number>;
}

/** How a session ended: the close code, and whether this server or the peer closed it. */
export interface SessionEnd {
  readonly code: number;
  readonly reason: string;
  readonly by: 'server' | 'peer';
}

/** What the hub hears from its sessions. */
export interface SessionHooks {
  /** The session closed, for whatever reason (called once). */
  ended(session: Session): void;
  /** The client stopped reading; the session closes with 4009 right after. */
  tooSlow(session: Session): void;
}

export interface SessionInit {
  readonly id: string;
  readonly connection: Connection;
  readonly remoteAddress: string;
  /** A token given in the connection URL, used when `hello` carries none. */
  readonly queryToken?: string | undefined;
  readonly scheduler: FlushScheduler;
  /** Queued plus unsent bytes beyond which the client is too slow (4009). */
  readonly sendBufferBytes: number;
  readonly clock: () => number;
  readonly hooks: SessionHooks;
}

/** setTimeout's largest delay; longer token lifetimes are re-armed when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

/** Close codes the session uses for its own timers and limits (see protocol/codes.ts). */
const UNAUTHORIZED = 4001;
const TOO_SLOW = 4009;
const TOKEN_EXPIRED = 4010;

export class Session {
  readonly id: string;
  readonly remoteAddress: string;
  /** Which live room messages go out now (held while catching up, filtered after). */
  readonly feed = new SessionFeed();

  readonly #connection: Connection;
  readonly #out: OutboundQueue;
  readonly #clock: () => number;
  readonly #hooks: SessionHooks;
  #state: SessionState = 'awaiting-hello';
  #user: SessionUser | undefined;
  #queryToken: string | undefined;
  #presenceUserId: number | undefined;
  #end: SessionEnd | undefined;
  #helloTimer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;
  #tokenExpiresAt = 0;
  /** Rooms where this connection's user is marked typing (cleared when it goes). */
  #typing: Set<string> | undefined;

  constructor(init: SessionInit) {
    this.id = init.id;
    this.remoteAddress = init.remoteAddress;
    this.#connection = init.connection;
    this.#queryToken = init.queryToken;
    this.#clock = init.clock;
    this.#hooks = init.hooks;
    this.#out = new OutboundQueue(init.connection, init.scheduler, init.sendBufferBytes, () => {
      this.#hooks.tooSlow(this);
      this.close(TOO_SLOW, 'too slow');
    });
  }

  get state(): SessionState {
    return this.#state;
  }

  /** A getter rather than a state comparison, so the check survives `await`s in handlers. */
  get isClosed(): boolean {
    return this.#state === 'closed';
  }

  /** The authenticated user, once `hello` attached the session to it. */
  get user(): SessionUser | undefined {
    return this.#user;
  }

  /** How the session ended, once it has. */
  get end(): SessionEnd | undefined {
    return this.#end;
  }

  /** The user whose presence this session holds (a connection slot to give back at the end). */
  get presenceUserId(): number | undefined {
    return this.#presenceUserId;
  }

  // ---- the state machine ----

  /** Closes the session with 4001 unless `hello` arrives within `ms`. */
  expectHelloWithin(ms: number): void {
    this.#helloTimer = setTimeout(() => {
      if (this.#state === 'awaiting-hello') this.close(UNAUTHORIZED, 'no hello in time');
    }, ms);
    this.#helloTimer.unref();
  }

  /**
   * `awaiting-hello` → `authenticating`. Returns the token to authenticate with (the one
   * given, else the one from the URL, used once), or undefined when there is none.
   */
  beginHello(token: string | undefined): string | undefined {
    if (this.#state !== 'awaiting-hello') throw new Error(`hello in state ${this.#state}`);
    clearTimeout(this.#helloTimer);
    this.#state = 'authenticating';
    const chosen = token ?? this.#queryToken;
    this.#queryToken = undefined;
    return chosen;
  }

  /** The session now holds a connection slot of `userId` (given back when it ends). */
  holdPresence(userId: number): void {
    this.#presenceUserId = userId;
  }

  /**
   * Joins the session to its user: it follows the user's rooms from now on, holding their live
   * messages until each room is caught up.
   */
  attach(user: SessionUser): void {
    if (this.#state !== 'authenticating') throw new Error(`attach in state ${this.#state}`);
    this.#user = user;
    this.feed.holdAll(user.rooms.keys());
  }

  /** `authenticating` → `open`: commands run and events flow. The token expires at `expiresAt`. */
  open(expiresAt: number): void {
    if (this.#state !== 'authenticating') throw new Error(`open in state ${this.#state}`);
    this.#state = 'open';
    this.renewToken(expiresAt);
  }

  /** Re-arms the 4010 close for a renewed token (epoch ms). */
  renewToken(expiresAt: number): void {
    this.#tokenExpiresAt = expiresAt;
    clearTimeout(this.#expiryTimer);
    const delay = expiresAt - this.#clock();
    if (delay <= 0) {
      this.close(TOKEN_EXPIRED, 'access token expired');
      return;
    }
    this.#expiryTimer = setTimeout(() => {
      if (this.#clock() >= this.#tokenExpiresAt) this.close(TOKEN_EXPIRED, 'access token expired');
      else this.renewToken(this.#tokenExpiresAt);
    }, Math.min(delay, MAX_TIMER_MS));
    this.#expiryTimer.unref();
  }

  /** Writes what is queued now, closes the connection with `code`, and ends the session. */
  close(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    this.#out.flush();
    this.#finish({ code, reason, by: 'server' });
    this.#connection.close(code, reason);
  }

  /** The transport lost the connection (the peer closed it, or it died): ends the session. */
  connectionClosed(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    this.#finish({ code, reason, by: 'peer' });
  }

  #finish(end: SessionEnd): void {
    this.#state = 'closed';
    this.#end = end;
    this.#out.discard();
    clearTimeout(this.#helloTimer);
    clearTimeout(this.#expiryTimer);
    this.#hooks.ended(this);
  }

  // ---- outbound ----

  /** Queues an event for the next flush. */
  send(frame: string): void {
    this.#out.send(frame);
  }

  /** Queues the answer to one of the client's commands, written on the next turn. */
  reply(frame: string): void {
    this.#out.reply(frame);
  }

  /** Queues an ephemeral event, skipped when the client is behind. */
  sendVolatile(frame: string): void {
    this.#out.sendVolatile(frame);
  }

  /** Bytes queued here or in the transport that the client has not taken yet. */
  get backlogBytes(): number {
    return this.#out.backlogBytes;
  }

  /**
   * Resolves true once the client has read its backlog down to `bytes`, waiting on the
   * socket's drain; false (and the session is closed with 4009) when it does not within
   * `timeoutMs` — a client that stops reading during a replay is cut off, not waited for.
   */
  async drainedTo(bytes: number, timeoutMs: number): Promise<boolean> {
    const deadline = this.#clock() + timeoutMs;
    this.#out.flush();
    while (!this.isClosed && this.backlogBytes > bytes) {
      const left = deadline - this.#clock();
      if (left <= 0) {
        this.#hooks.tooSlow(this);
        this.close(TOO_SLOW, 'too slow');
        return false;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.#connection.whenDrained(), new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
    return !this.isClosed;
  }

  // ---- room events ----

  /**
   * A room event for this session, in `seq` order per room (the channel's job). Returns
   * whether it went out now.
   */
  deliver(event: RoomBroadcast): boolean {
    if (this.#state === 'authenticating') {
      // Not welcomed yet: messages wait for the catch-up; other events are in the welcome.
      if (event.seq > 0) this.feed.hold(event.room, event.seq, event.frame);
      return false;
    }
    if (this.#state !== 'open') return false;
    if (event.seq > 0 && !this.feed.admit(event.room, event.seq, event.frame)) return false;
    if (event.volatile === true) this.sendVolatile(event.frame);
    else this.send(event.frame);
    return true;
  }

  // ---- typing marks of this connection ----

  /** Marks the connection's user typing in `room`. */
  startTyping(room: string): void {
    (this.#typing ??= new Set()).add(room);
  }

  /** Clears the mark; true when there was one (a `false` is then owed to the room). */
  stopTyping(room: string): boolean {
    return this.#typing?.delete(room) ?? false;
  }

  /** Rooms where the connection's user is marked typing. */
  typingRooms(): string[] {
    return this.#typing === undefined ? [] : [...this.#typing];
  }
}
