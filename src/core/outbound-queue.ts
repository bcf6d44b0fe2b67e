/**
 * One connection's outbound frames: queued, coalesced into one write per flush, and bounded.
 * What decides that a client is too slow is what its socket has not taken, never one burst.
 */
import type { FlushScheduler, Flushable } from './outbox.js';
import type { Connection } from './transport.js';

export class OutboundQueue implements Flushable {
  readonly #connection: Connection;
  readonly #scheduler: FlushScheduler;
  /** Queued plus unsent bytes beyond which the client is too slow. */
  readonly #limitBytes: number;
  readonly #onTooSlow: () => void;
  #frames: string[] = [];
  #queuedBytes = 0;
  #scheduled = false;
  /** A flush outside the window is already asked for. */
  #urgent = false;
  #closed = false;

  constructor(connection: Connection, scheduler: FlushScheduler, limitBytes: number, onTooSlow: () => void) {
    this.#connection = connection;
    this.#scheduler = scheduler;
    this.#limitBytes = limitBytes;
    this.#onTooSlow = onTooSlow;
  }

  /**
   * Queues a frame for the next flush. A large burst (half the limit) is written at once
   * instead of held: see `flush` for what counts as too slow.
   */
  send(frame: string): void {
    if (this.#closed) return;
    this.#frames.push(frame);
    // UTF-16 length: a cheap estimate of bytes, good enough for a threshold.
    this.#queuedBytes += frame.length;
    if (this.#queuedBytes >= this.#limitBytes / 2) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      this.#scheduler.schedule(this);
    }
  }

  /**
   * Queues the answer to one of the client's commands and has the queue written on the next
   * turn rather than at the window's end: the client is waiting for it. Order with the events
   * already queued is kept (they go in the same write).
   */
  reply(frame: string): void {
    if (this.#closed) return;
    this.send(frame);
    if (this.#frames.length > 0 && !this.#urgent) {
      this.#urgent = true;
      this.#scheduler.scheduleUrgent(this);
    }
  }

  /**
   * Queues an ephemeral frame (typing, presence, others' membership) only if the connection
   * keeps up: such events are worth little late, so a backed-up client skips them instead of
   * getting further behind.
   */
  sendVolatile(frame: string): void {
    if (this.backlogBytes > this.#limitBytes / 2) return;
    this.send(frame);
  }

  /** Bytes queued here or in the transport that the client has not taken yet. */
  get backlogBytes(): number {
    return this.#queuedBytes + this.#connection.bufferedAmount;
  }

  /**
   * Writes the queue as one frame. A client whose socket still holds more than the limit from
   * earlier writes is not reading: `onTooSlow` (which closes the session) rather than
   * buffering without end.
   */
  flush(): void {
    this.#scheduled = false;
    this.#urgent = false;
    if (this.#frames.length === 0 || this.#closed) return;
    if (this.#connection.bufferedAmount > this.#limitBytes) {
      // Nothing more for this client: what it has not read is dropped with the connection.
      this.discard();
      this.#onTooSlow();
      return;
    }
    const frames = this.#frames;
    this.#frames = [];
    this.#queuedBytes = 0;
    this.#connection.send(this.#scheduler.encode(frames));
  }

  /** Drops what is queued and refuses anything more (the connection is closing). */
  discard(): void {
    this.#closed = true;
    this.#frames = [];
    this.#queuedBytes = 0;
  }
}
