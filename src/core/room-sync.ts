/**
 * Catching a session up on a room from the store while live messages keep arriving: the gapless
 * resume. Live messages for the room are held while the store is read page by page; when the
 * store has nothing newer, the held ones beyond what was replayed are released, in order. The
 * session subscribed before the first read, so every message is either in the store by then or
 * held: nothing falls between, and `seq` filtering removes the overlap.
 *
 * A message is committed before it is published, and with an asynchronous store (PostgreSQL,
 * SQLite's writer thread) a read can see messages whose publication is still on its way. So
 * catching up ends with a floor: the last seq sent, below which live messages of the room are
 * dropped for this session until one above it arrives (see `passesFloor`).
 */

/** Live messages of one room held for one session while it catches up. */
export class RoomSync {
  /** The most live messages held; past it they are dropped and read from the store instead. */
  readonly maxHeld: number;
  held: { seq: number; frame: string }[] = [];
  /** Set when live messages were dropped for want of room: the store still has them. */
  overflowed = false;

  constructor(maxHeld = 1000) {
    this.maxHeld = maxHeld;
  }

  hold(seq: number, frame: string): void {
    if (this.overflowed) return;
    if (this.held.length >= this.maxHeld) {
      this.overflowed = true;
      this.held = [];
      return;
    }
    this.held.push({ seq, frame });
  }
}

/** What catching up needs from the rest of the core. */
export interface CatchUpDeps {
  readonly history: (roomId: number, after: number, limit: number) => Promise<{ frames: string[]; lastSeq: number; hasMore: boolean }>;
  /** Resolves when the session's backlog is small enough for another page. */
  readonly writable: () => Promise<void>;
  readonly isClosed: () => boolean;
  readonly send: (frame: string) => void;
  readonly pageSize: number;
}

/**
 * Replays a room after `fromSeq` and switches the session to live delivery. Returns how many
 * messages were replayed from the store. Pages are read one at a time, waiting for the client to
 * drain between them, so a large gap never sits in memory nor blocks other sessions.
 */
export async function catchUp(sync: RoomSync, fromSeq: number, roomId: number, deps: CatchUpDeps): Promise<{ replayed: number; floor: number }> {
  let cursor = fromSeq;
  let replayed = 0;
  for (;;) {
    const page = await deps.history(roomId, cursor, deps.pageSize);
    if (deps.isClosed()) return { replayed, floor: cursor };
    for (const frame of page.frames) deps.send(frame);
    replayed += page.frames.length;
    if (page.frames.length > 0) cursor = page.lastSeq;
    if (page.hasMore) {
      await deps.writable();
      continue;
    }
    if (sync.overflowed) {
      // Live messages were dropped while we read: they are committed, so read on.
      sync.overflowed = false;
      continue;
    }
    // From here to the end, no await: nothing can arrive between the check and the switch.
    return { replayed, floor: releaseHeld(sync, cursor, deps.send) };
  }
}

/**
 * Sends the held messages newer than `afterSeq`, in order, and empties the hold. Returns the
 * last seq sent (or `afterSeq`): the floor for live delivery from now on.
 */
export function releaseHeld(sync: RoomSync, afterSeq: number, send: (frame: string) => void): number {
  let last = afterSeq;
  for (const entry of sync.held) {
    if (entry.seq > last) {
      send(entry.frame);
      last = entry.seq;
    }
  }
  sync.held = [];
  return last;
}

/**
 * Whether a live message passes a session's floor for its room; the floor goes away with the
 * first message above it (publication is in seq order, so none below can follow).
 */
export function passesFloor(floors: Map<string, number>, room: string, seq: number): boolean {
  const floor = floors.get(room);
  if (floor === undefined) return true;
  if (seq <= floor) return false;
  floors.delete(room);
  return true;
}
