/**
 * One room as this node follows it: the local users in it, and the order of its messages.
 * Pub/sub is at-most-once and, with several nodes publishing, not ordered across them, so the
 * channel delivers messages strictly in `seq` order, each once: a message past a gap waits
 * while the missing ones are read from the store (which has them: a message is published only
 * after its commit, and a later seq commits after an earlier one).
 */
import type { RoomBroadcast } from './broker.js';
import type { LocalUser } from './local-user.js';

export interface RoomChannelDeps {
  /** Stored messages of the room after `afterSeq`, ascending, at most `limit`, as wire frames. */
  readonly readAfter: (roomId: number, afterSeq: number, limit: number) => Promise<{ seq: number; frame: string }[]>;
  /** Hands an in-order event to the channel's local sessions. */
  readonly deliver: (channel: RoomChannel, event: RoomBroadcast) => void;
  /** Reports a repair: how many messages were missing, or why it failed. */
  readonly onRepair: (channel: RoomChannel, outcome: { recovered: number } | { error: unknown }) => void;
}

/** Messages read per store query while repairing. */
const REPAIR_PAGE = 500;

export class RoomChannel {
  readonly key: string;
  readonly roomId: number;
  readonly members = new Set<LocalUser>();
  /** Resolves when the broker subscription for the room is in place. */
  readonly subscribed: Promise<void>;
  /** The last message seq handed to the sessions (at first, the baseline read before following). */
  lastSeq: number;
  readonly #deps: RoomChannelDeps;
  #repairing = false;
  /** Events that arrived during a repair, in arrival order. */
  #waiting: RoomBroadcast[] = [];

  /** `lastSeq`: the room's last seq read before subscribing. */
  constructor(key: string, roomId: number, lastSeq: number, subscribed: Promise<void>, deps: RoomChannelDeps) {
    this.key = key;
    this.roomId = roomId;
    this.lastSeq = lastSeq;
    this.subscribed = subscribed;
    this.#deps = deps;
  }

  /** Routes an event from the broker: messages in order and once, gaps filled first. */
  accept(event: RoomBroadcast): void {
    if (event.seq === 0) {
      this.#deps.deliver(this, event); // not part of the message sequence
      return;
    }
    if (this.#repairing) {
      this.#waiting.push(event);
      return;
    }
    if (event.seq <= this.lastSeq) return; // delivered already
    if (event.seq > this.lastSeq + 1) {
      this.#waiting.push(event);
      void this.#repair(event.seq - 1);
      return;
    }
    this.lastSeq = event.seq;
    this.#deps.deliver(this, event);
  }

  /**
   * Reads whatever the store has after `lastSeq` (after the broker lost messages, e.g. while
   * its connection was down) and delivers it before anything newer.
   */
  resync(): void {
    if (this.#repairing) return;
    void this.#repair(Number.MAX_SAFE_INTEGER);
  }

  async #repair(upTo: number): Promise<void> {
    this.#repairing = true;
    let recovered = 0;
    try {
      while (this.lastSeq < upTo) {
        const page = await this.#deps.readAfter(this.roomId, this.lastSeq, REPAIR_PAGE);
        for (const message of page) {
          if (message.seq <= this.lastSeq || message.seq > upTo) continue;
          this.lastSeq = message.seq;
          recovered++;
          this.#deps.deliver(this, { kind: 'room', room: this.key, seq: message.seq, frame: message.frame });
        }
        if (page.length < REPAIR_PAGE) break;
      }
      this.#deps.onRepair(this, { recovered });
    } catch (error) {
      // The store is unreachable: let live delivery go on rather than stall the room; clients
      // that notice the gap fill it with history or a resume later.
      this.#deps.onRepair(this, { error });
    } finally {
      this.#repairing = false;
      const waiting = this.#waiting;
      this.#waiting = [];
      if (waiting.length > 0 && this.lastSeq < upTo && upTo !== Number.MAX_SAFE_INTEGER) {
        // The repair failed: accept the gap, or every later message would wait for it.
        this.lastSeq = Math.min(...waiting.filter((e) => e.seq > 0).map((e) => e.seq)) - 1;
      }
      for (const event of waiting) this.accept(event);
    }
  }
}
