// The resume/live merge: whatever the interleaving of stored pages and live publications, a
// catching-up session receives exactly the contiguous sequence after its resume point.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CatchUpDeps } from './room-sync.js';
import { RoomSync, catchUp, passesFloor, releaseHeld } from './room-sync.js';

interface Scenario {
  /** Messages committed (and published) before the session subscribed. */
  readonly initial: number;
  /** Where the client says it is (the hello handler never replays from beyond the end). */
  readonly from: number;
  readonly pageSize: number;
  readonly maxHeld: number;
  /** Messages committed during each store read, in turn (unused ones never happen). */
  readonly bursts: readonly number[];
  /**
   * How many committed-but-unpublished messages get published during each read: publication
   * lags the commit, as with an asynchronous store.
   */
  readonly publications: readonly number[];
  /** Messages committed and published after the session went live. */
  readonly after: number;
}

/**
 * Runs catch-up against a simulated log where commits and publications are separate events,
 * then live delivery through the floor, as the hub does.
 */
async function run(s: Scenario): Promise<{ received: number[]; last: number }> {
  let committed = s.initial;
  let published = s.initial;
  const received: number[] = [];
  const sync = new RoomSync(s.maxHeld);
  const floors = new Map<string, number>();
  let live = false;
  let read = 0;
  const publishUpTo = (target: number): void => {
    while (published < target) {
      const seq = ++published;
      if (!live) sync.hold(seq, String(seq));
      else if (passesFloor(floors, 'room', seq)) received.push(seq);
    }
  };
  const deps: CatchUpDeps = {
    pageSize: s.pageSize,
    history: async (_roomId, after, limit) => {
      // The read sees what is committed when it starts, published or not.
      const upTo = Math.min(committed, after + limit);
      const frames: string[] = [];
      for (let seq = after + 1; seq <= upTo; seq++) frames.push(String(seq));
      const hasMore = committed > upTo;
      await Promise.resolve();
      committed += s.bursts[read] ?? 0;
      publishUpTo(Math.min(committed, published + (s.publications[read] ?? 0)));
      read++;
      return { frames, lastSeq: upTo > after ? upTo : after, hasMore };
    },
    writable: () => Promise.resolve(),
    isClosed: () => false,
    send: (frame) => received.push(Number(frame)),
  };
  const { floor } = await catchUp(sync, s.from, 1, deps);
  if (floor > 0) floors.set('room', floor);
  live = true;
  publishUpTo(committed); // publications still on their way arrive now
  committed += s.after;
  publishUpTo(committed);
  return { received, last: committed };
}

const scenario = fc.record({
  initial: fc.integer({ min: 0, max: 300 }),
  fromOffset: fc.integer({ min: -300, max: 0 }),
  pageSize: fc.integer({ min: 1, max: 50 }),
  maxHeld: fc.integer({ min: 1, max: 40 }),
  bursts: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 30 }),
  publications: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }),
  after: fc.integer({ min: 0, max: 20 }),
});

describe('catch-up merge of stored and live messages', () => {
  it('delivers exactly from+1 .. last, in order, for any interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (raw) => {
        const from = Math.max(0, raw.initial + raw.fromOffset);
        const s: Scenario = { ...raw, from };
        const { received, last } = await run(s);
        const expected: number[] = [];
        for (let seq = from + 1; seq <= last; seq++) expected.push(seq);
        assert.deepEqual(received, expected);
      }),
      { numRuns: 500 },
    );
  });

  it('releases held messages after the cursor only, skipping duplicates', () => {
    const sync = new RoomSync();
    for (const seq of [3, 4, 4, 5, 7]) sync.hold(seq, String(seq));
    const out: string[] = [];
    assert.equal(releaseHeld(sync, 4, (f) => out.push(f)), 7);
    assert.deepEqual(out, ['5', '7']);
    assert.equal(sync.held.length, 0);
  });

  it('drops live messages at or below the floor, and lifts it at the first above', () => {
    const floors = new Map([['r', 5]]);
    assert.deepEqual([4, 5, 6, 7].map((seq) => passesFloor(floors, 'r', seq)), [false, false, true, true]);
    assert.equal(floors.size, 0);
  });

  it('marks the hold overflowed instead of growing past its bound', () => {
    const sync = new RoomSync(2);
    sync.hold(1, '1');
    sync.hold(2, '2');
    sync.hold(3, '3');
    assert.equal(sync.overflowed, true);
    assert.equal(sync.held.length, 0);
  });
});
