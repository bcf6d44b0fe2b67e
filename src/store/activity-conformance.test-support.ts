// The room-activity part of the Store conformance suite (sql-store.test.ts runs it on every
// SQL target): joins and leaves recorded with the membership change, and read back by window.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoomRecord, RoomVisibility, Store, UserRecord } from '../core/store.js';

/** What the suite needs of its target: the store and makers of fresh users, rooms and messages. */
export interface ActivityConformanceContext {
  store(): Store;
  user(): Promise<UserRecord>;
  room(visibility?: RoomVisibility): Promise<RoomRecord>;
  /** Appends `count` messages; their seqs. */
  send(room: RoomRecord, sender: UserRecord, count: number): Promise<number[]>;
}

/** Registers the room-activity tests. */
export function describeActivityConformance(ctx: ActivityConformanceContext): void {
  describe('room activity', () => {
    it('records each join and leave with its time and the last seq at that moment', async () => {
      const store = ctx.store();
      const [a, b, r] = [await ctx.user(), await ctx.user(), await ctx.room()];
      assert.deepEqual(await store.addMember(r.id, a.id, 100), { at: 100, afterSeq: 0 });
      await ctx.send(r, a, 3);
      assert.deepEqual(await store.addMember(r.id, b.id, 200), { at: 200, afterSeq: 3 });
      assert.equal(await store.addMember(r.id, b.id, 210), undefined, 'already a member: nothing recorded');
      await ctx.send(r, b, 2);
      assert.deepEqual(await store.removeMember(r.id, b.id, 300), { at: 300, afterSeq: 5 });
      assert.equal(await store.removeMember(r.id, b.id, 310), undefined, 'not a member: nothing recorded');
      assert.deepEqual(await store.addMember(r.id, b.id, 400), { at: 400, afterSeq: 5 });
      const page = await store.roomActivity(r.id, { limit: 10 });
      assert.deepEqual(page, {
        activity: [
          { username: a.username, action: 'joined', at: 100, afterSeq: 0 },
          { username: b.username, action: 'joined', at: 200, afterSeq: 3 },
          { username: b.username, action: 'left', at: 300, afterSeq: 5 },
          { username: b.username, action: 'joined', at: 400, afterSeq: 5 },
        ],
        hasMore: false,
      });
      assert.deepEqual(await store.roomActivity((await ctx.room()).id, { limit: 10 }), { activity: [], hasMore: false }, "another room's is its own");
    });

    it('records nothing for a direct conversation, yet places the change', async () => {
      const store = ctx.store();
      const [a, b, dm] = [await ctx.user(), await ctx.user(), await ctx.room('dm')];
      assert.deepEqual(await store.addMember(dm.id, a.id, 5), { at: 5, afterSeq: 0 });
      assert.deepEqual(await store.addMember(dm.id, b.id, 6), { at: 6, afterSeq: 0 });
      assert.ok(await store.removeMember(dm.id, b.id, 7));
      assert.deepEqual(await store.roomActivity(dm.id, { limit: 10 }), { activity: [], hasMore: false });
      assert.equal(await store.isMember(dm.id, a.id), true);
    });

    it('reads a window by afterSeq, bounds excluded, the newest or (after alone) the oldest of it', async () => {
      const store = ctx.store();
      const r = await ctx.room('private');
      const users: UserRecord[] = [];
      // One change after each of messages 0..5, two after message 3.
      for (let seq = 0; seq <= 5; seq++) {
        const u = await ctx.user();
        users.push(u);
        await store.addMember(r.id, u.id, 1000 + seq);
        if (seq === 3) await store.removeMember(r.id, u.id, 1100);
        await ctx.send(r, users[0]!, 1);
      }
      const seqs = async (query: { after?: number; before?: number; limit: number }) => {
        const page = await store.roomActivity(r.id, query);
        return [page.activity.map((x) => `${x.afterSeq}${x.action === 'left' ? 'L' : ''}`).join(' '), page.hasMore];
      };
      assert.deepEqual(await seqs({ limit: 10 }), ['0 1 2 3 3L 4 5', false]);
      assert.deepEqual(await seqs({ after: 2, before: 5, limit: 10 }), ['3 3L 4', false]);
      assert.deepEqual(await seqs({ after: 2, before: 5, limit: 2 }), ['3L 4', true], 'the newest of the window');
      assert.deepEqual(await seqs({ after: 2, limit: 2 }), ['3 3L', true], 'after alone: the oldest');
      assert.deepEqual(await seqs({ before: 3, limit: 10 }), ['0 1 2', false]);
      assert.deepEqual(await seqs({ before: 3, limit: 2 }), ['1 2', true]);
      assert.deepEqual(await seqs({ after: 5, limit: 10 }), ['', false]);
      await assert.rejects(store.roomActivity(r.id, { limit: 0 }), RangeError);
    });
  });
}
