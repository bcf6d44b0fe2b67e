/**
 * Which live room messages reach one session, room by room. While a room is being caught up
 * from the store (resume, or the first load after `hello`), its live messages are held
 * (`RoomSync`); once caught up, a floor drops live copies of what the catch-up already sent
 * (see `passesFloor`). Events outside the message sequence (seq 0) are never gated here.
 */
import { RoomSync, passesFloor, releaseHeld } from './room-sync.js';

export class SessionFeed {
  /** Rooms still being caught up; absent once every room is live. */
  #syncing: Map<string, RoomSync> | undefined;
  /** Per room, the last seq a catch-up sent: live messages at or below it were sent already. */
  #floors: Map<string, number> | undefined;

  /** Holds every room's live messages from now until each is released or caught up. */
  holdAll(rooms: Iterable<string>): void {
    this.#syncing = new Map();
    for (const room of rooms) this.#syncing.set(room, new RoomSync());
  }

  /** Holds one live message (a session not welcomed yet: its rooms are read after this). */
  hold(room: string, seq: number, frame: string): void {
    const syncing = (this.#syncing ??= new Map());
    let sync = syncing.get(room);
    if (sync === undefined) {
      sync = new RoomSync();
      syncing.set(room, sync);
    }
    sync.hold(seq, frame);
  }

  /**
   * Whether a live message goes out now: false when it is held (the room is catching up) or
   * dropped (a catch-up sent it already).
   */
  admit(room: string, seq: number, frame: string): boolean {
    const sync = this.#syncing?.get(room);
    if (sync !== undefined) {
      sync.hold(seq, frame);
      return false;
    }
    return this.#floors === undefined || passesFloor(this.#floors, room, seq);
  }

  /** The hold of a room being caught up, if it is. */
  syncOf(room: string): RoomSync | undefined {
    return this.#syncing?.get(room);
  }

  /** Rooms being caught up now. */
  syncingRooms(): string[] {
    return this.#syncing === undefined ? [] : [...this.#syncing.keys()];
  }

  /**
   * Sends a room's held messages after `afterSeq`, in order, and makes the room live; the last
   * seq sent becomes its floor.
   */
  release(room: string, afterSeq: number, send: (frame: string) => void): void {
    const sync = this.#syncing?.get(room);
    const floor = sync === undefined ? afterSeq : releaseHeld(sync, afterSeq, send);
    this.goLive(room, floor);
  }

  /** A room's catch-up ended at `floor` (its held messages already released): live from now. */
  goLive(room: string, floor: number): void {
    this.#syncing?.delete(room);
    if (this.#syncing?.size === 0) this.#syncing = undefined;
    this.raiseFloor(room, floor);
  }

  /** Live messages of the room up to `seq` are not for this session (it read past them). */
  raiseFloor(room: string, seq: number): void {
    if (seq <= 0) return;
    const floors = (this.#floors ??= new Map());
    floors.set(room, Math.max(seq, floors.get(room) ?? 0));
  }

  /** The session's user left the room: nothing of it is held or filtered any more. */
  forget(room: string): void {
    this.#syncing?.delete(room);
    this.#floors?.delete(room);
  }
}
