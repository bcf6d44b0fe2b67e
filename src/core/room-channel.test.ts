// Ordering and gap repair of a room's messages on one node: whatever the broker drops,
// duplicates or reorders, sessions get every message once, in seq order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RoomBroadcast } from './broker.js';
import { RoomChannel } from './room-channel.js';

/** A channel over a log of `stored` messages (1..stored in the store), recording deliveries. */
function channelOver(stored: () => number, baseline = 0, failReads = false) {
  const delivered: number[] = [];
  const repairs: (number | 'error')[] = [];
  const channel = new RoomChannel('r', 1, baseline, Promise.resolve(), {
    readAfter: async (_roomId, after, limit) => {
      await Promise.resolve();
      if (failReads) throw new Error('store down');
      const out = [];
      for (let seq = after + 1; seq <= Math.min(stored(), after + limit); seq++) out.push({ seq, frame: String(seq) });
      return out;
    },
    deliver: (_channel, event) => delivered.push(event.seq),
    onRepair: (_channel, outcome) => repairs.push('error' in outcome ? 'error' : outcome.recovered),
  });
  return { channel, delivered, repairs };
}

const message = (seq: number): RoomBroadcast => ({ kind: 'room', room: 'r', seq, frame: String(seq) });
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('room channel', () => {
  it('delivers in order, drops duplicates, and fills a gap from the store before going on', async () => {
    const { channel, delivered, repairs } = channelOver(() => 10, 3);
    for (const seq of [4, 4, 3, 7, 5, 8]) channel.accept(message(seq));
    await settle();
    await settle();
    assert.deepEqual(delivered, [4, 5, 6, 7, 8]);
    assert.deepEqual(repairs, [2]);
  });

  it('reads everything after its last seq when the broker reconnects', async () => {
    const { channel, delivered } = channelOver(() => 1200, 5);
    channel.resync();
    channel.accept(message(1201));
    for (let i = 0; i < 10; i++) await settle();
    assert.equal(delivered.length, 1196);
    assert.deepEqual(delivered.slice(0, 2), [6, 7]);
    assert.equal(delivered.at(-1), 1201);
  });

  it('lets live delivery go on when the store cannot be read', async () => {
    const { channel, delivered, repairs } = channelOver(() => 10, 2, true);
    channel.accept(message(5));
    channel.accept(message(6));
    await settle();
    await settle();
    assert.deepEqual(delivered, [5, 6]);
    assert.deepEqual(repairs, ['error']);
  });

  it('passes events outside the message sequence straight through', () => {
    const { channel, delivered } = channelOver(() => 0);
    channel.accept({ kind: 'room', room: 'r', seq: 0, frame: 'typing' });
    assert.deepEqual(delivered, [0]);
  });

  it('delivers 1..N exactly once for any loss, duplication and reordering by the broker', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.boolean()), { maxLength: 120 }),
        async (n, noise) => {
          // Every message published once, in order, then the broker's noise: some lost, some
          // repeated, some late; message n always arrives (the last publish that gets through).
          const arrivals: number[] = [];
          for (let seq = 1; seq <= n; seq++) arrivals.push(seq);
          for (const [seq, keep] of noise) {
            if (seq > n) continue;
            if (keep) arrivals.splice(Math.floor(arrivals.length / 2), 0, seq);
            else arrivals.splice(arrivals.indexOf(seq), 1);
          }
          if (!arrivals.includes(n)) arrivals.push(n);
          // The channel starts from the room's last seq read before following: 0, empty.
          const { channel, delivered } = channelOver(() => n, 0);
          for (const seq of arrivals) channel.accept(message(seq));
          for (let i = 0; i < 20; i++) await settle();
          assert.deepEqual(delivered, Array.from({ length: n }, (_, i) => i + 1));
        },
      ),
      { numRuns: 300 },
    );
  });
});
