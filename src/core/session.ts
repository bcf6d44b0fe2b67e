/**
 * One client connection: its outbound queue (bounded, coalesced) and the state of its
 * conversation with the server. Commands are handled in commands/; this file only owns what
 * belongs to the connection itself.
 */
import type { ClientCommand } from '../protocol/commands.js';
import type { Connection } from './transport.js';
import type { FlushScheduler } from './outbox.js';
import type { LocalUser } from './local-user.js';
import type { RoomSync } from './room-sync.js';

export type SessionState = 'awaiting-hello' | 'authenticating' | 'open' | 'closed';

export interface SessionLimits {
  /** Queued plus unsent bytes beyond which the client is too slow and is disconnected. */
  readonly sendBufferBytes: number;
}

export class Session {
  readonly id: string;
  readonly connection: Connection;
  readonly remoteAddress: string;
  state: SessionState = 'awaiting-hello';
  user: LocalUser | undefined;
  /** Epoch ms when the access token expires. */
  tokenExpiresAt = 0;
  expiryTimer: NodeJS.Timeout | undefined;
  helloTimer: NodeJS.Timeout | undefined;
  /** Rooms still being caught up from the store (resume); absent once the session is live. */
  syncing: Map<string, RoomSync> | undefined;
  /**
   * Per room, the last seq a catch-up sent: live messages at or below it were already sent
   * (see `passesFloor`). Entries go as soon as live delivery passes them.
   */
  floors: Map<string, number> | undefined;
  /** Rooms where this connection's user is marked typing (to clear them when it goes). */
  typing: Set<string> | undefined;
  /** Commands received and not answered yet. */
  inFlight = 0;
  /** Commands that arrived while `hello` was still being handled. */
  pending: ClientCommand[] = [];
  /** Invalid frames received (a flood of them closes the connection). */
  badFrames = 0;
  /** The user whose presence this session holds (set before `presence.connect`). */
  presenceUserId: number | undefined;
  /** A token given in the connection URL, used when `hello` carries none. */
  queryToken: string | undefined;
  /** Why the session closed, once it has. */
  closeReason: string | undefined;

  readonly #scheduler: FlushScheduler;
  readonly #limits: SessionLimits;
  #queue: string[] = [];
  #queuedBytes = 0;
  #scheduled = false;
  /** A flush outside the window is already asked for. */
  #urgent = false;
  readonly #onTooSlow: (session: Session) => void;

  constructor(
    id: string,
    connection: Connection,
    remoteAddress: string,
    scheduler: FlushScheduler,
    limits: SessionLimits,
    onTooSlow: (session: Session) => void,
  ) {
    this.id = id;
    this.connection = connection;
    this.remoteAddress = remoteAddress;
    this.#scheduler = scheduler;
    this.#limits = limits;
    this.#onTooSlow = onTooSlow;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** A getter rather than a state comparison, so the check survives `await`s in handlers. */
  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /**
   * Queues a frame for the next flush. A large burst (half the buffer limit) is written at
   * once instead of held: what decides that a client is too slow is what its socket has not
   * taken (see `flush`), not how much one turn of the event loop produced.
   */
  send(frame: string): void {
    if (this.state === 'closed') return;
    this.#queue.push(frame);
    // UTF-16 length: a cheap estimate of bytes, good enough for a threshold.
    this.#queuedBytes += frame.length;
    if (this.#queuedBytes >= this.#limits.sendBufferBytes / 2) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      this.#scheduler.schedule(this);
    }
  }

  /**
   * Queues the answer to one of the client's commands (ack, error, history, welcome) and has
   * the queue written on the next turn rather than at the window's end: the client is waiting
   * for it. Order with the events already queued is kept (they go in the same write).
   */
  reply(frame: string): void {
    if (this.state === 'closed') return;
    this.send(frame);
    if (this.#queue.length > 0 && !this.#urgent) {
      this.#urgent = true;
      this.#scheduler.scheduleUrgent(this);
    }
  }

  /**
   * Queues an ephemeral frame (typing) only if the connection keeps up: such events are
   * worthless late, so a backed-up client skips them instead of getting further behind.
   */
  sendVolatile(frame: string): void {
    if (this.backlogBytes > this.#limits.sendBufferBytes / 2) return;
    this.send(frame);
  }

  /** Bytes queued here or in the transport that the client has not taken yet. */
  get backlogBytes(): number {
    return this.#queuedBytes + this.connection.bufferedAmount;
  }

  /**
   * Writes the queue as one frame. A client whose socket still holds more than the limit from
   * earlier writes is not reading: it is disconnected (4009) rather than buffered without end.
   */
  flush(): void {
    this.#scheduled = false;
    this.#urgent = false;
    if (this.#queue.length === 0 || this.state === 'closed') return;
    if (this.connection.bufferedAmount > this.#limits.sendBufferBytes) {
      // Nothing more for this client: what it has not read is dropped with the connection.
      this.#queue = [];
      this.#queuedBytes = 0;
      this.#onTooSlow(this);
      return;
    }
    const frames = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.connection.send(this.#scheduler.encode(frames));
  }

  /** Writes what is queued now, then closes. */
  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.flush();
    this.markClosed(reason);
    this.connection.close(code, reason);
  }

  /** Records the end of the session without touching the connection (it is gone already). */
  markClosed(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeReason ??= reason;
    this.#queue = [];
    this.#queuedBytes = 0;
    if (this.helloTimer !== undefined) clearTimeout(this.helloTimer);
    if (this.expiryTimer !== undefined) clearTimeout(this.expiryTimer);
  }

}
