// The Store conformance suite, run against every SQL target: SQLite in memory, SQLite in a
// WAL file, PostgreSQL in a throw-away schema and MySQL (MariaDB here) in a throw-away database. Each target shares one store across its
// tests, so every test makes its own users and rooms (unique names) and asserts only on them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_TEXT_LENGTH } from '../protocol/limits.js';
import { ContentRefusedError, type NewMessage, type RoomRecord, type RoomVisibility, type UserRecord } from '../core/store.js';
import { createTestDatabase } from '../../test/support/postgres.js';
import { createTestMysqlDatabase } from '../../test/support/mysql.js';
import { openStore } from './open-store.js';
import type { SqlStore } from './sql-store.js';
import { describeActivityConformance } from './activity-conformance.test-support.js';

/** A database to run the suite on; `cleanup` runs after the store is closed. */
interface Target {
  readonly url: string;
  cleanup(): Promise<void>;
}

/** Makes a fresh, empty database each call. */
type TargetFactory = () => Promise<Target>;

let counter = 0;
/** A name no other test uses (lower-case: valid as a username and as a room slug). */
function unique(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}x${process.pid}`;
}

function describeStoreConformance(name: string, factory: TargetFactory | undefined, unreachable = 'PostgreSQL unreachable'): void {
  describe(name, { skip: factory === undefined ? unreachable : false }, () => {
    let target: Target | undefined;
    let store: SqlStore;

    before(async () => {
      target = await factory!();
      store = await openStore(target.url);
    });
    after(async () => {
      await store?.close();
      await target?.cleanup();
    });

    async function user(prefix = 'user'): Promise<UserRecord> {
      const created = await store.createUser(unique(prefix), 'hash', 1000);
      assert.ok(created);
      return created;
    }
    async function room(visibility: RoomVisibility = 'public', prefix = 'room'): Promise<RoomRecord> {
      const created = await store.createRoom(unique(prefix), visibility, 2000);
      assert.ok(created);
      return created;
    }
    function message(r: RoomRecord, sender: UserRecord, clientMsgId: string, text = `text of ${clientMsgId}`): NewMessage {
      return { roomId: r.id, room: r.key, senderId: sender.id, sender: sender.username, text, createdAt: 3000, clientMsgId };
    }
    async function send(r: RoomRecord, sender: UserRecord, count: number): Promise<number[]> {
      const results = await store.appendMessages(Array.from({ length: count }, () => message(r, sender, unique('m'))));
      return results.map((result) => result.message.seq);
    }

    describe('users', () => {
      it('creates a user and finds it by id and by name in any case', async () => {
        const name = `Mixed${unique('Case')}`;
        const created = await store.createUser(name, 'scrypt$hash', 1234);
        assert.ok(created);
        assert.equal(created.username, name);
        assert.equal(created.passwordHash, 'scrypt$hash');
        assert.equal(created.createdAt, 1234);
        assert.deepEqual(await store.findUserById(created.id), created);
        assert.deepEqual(await store.findUserByName(name.toLowerCase()), created);
        assert.deepEqual(await store.findUserByName(name.toUpperCase()), created);
      });

      it('tells apart names that differ in accents or trailing spaces, and room keys in case', async () => {
        const base = unique('acc');
        assert.ok(await store.createUser(`${base}e`, 'h', 1));
        assert.ok(await store.createUser(`${base}é`, 'h', 1), 'é is not e');
        assert.ok(await store.createUser(`${base}e `, 'h', 1), 'a trailing space makes another name');
        assert.equal((await store.findUserByName(`${base}é`))?.username, `${base}é`);
        const key = unique('Key');
        assert.ok(await store.createRoom(key, 'public', 1));
        assert.ok(await store.createRoom(key.toLowerCase(), 'public', 1), 'room keys are compared exactly');
      });

      it('refuses a name taken in another letter case', async () => {
        const name = unique('taken');
        assert.ok(await store.createUser(name, 'h', 1));
        assert.equal(await store.createUser(name.toUpperCase(), 'h', 2), undefined);
        assert.equal((await store.findUserByName(name))?.createdAt, 1);
      });

      it('lets exactly one of concurrent sign-ups with the same name win', async () => {
        const name = unique('race');
        const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => store.createUser(i % 2 ? name : name.toUpperCase(), 'h', i)));
        assert.equal(outcomes.filter((outcome) => outcome !== undefined).length, 1);
      });

      it('stores an external user with a null password hash', async () => {
        const created = await store.createUser(unique('ext'), null, 5);
        assert.ok(created);
        assert.equal(created.passwordHash, null);
        assert.equal((await store.findUserById(created.id))?.passwordHash, null);
      });

      it('starts users at token generation 0 and bumps one user’s generation by one per call', async () => {
        const [a, b] = [await user(), await user()];
        assert.deepEqual([a.tokenGeneration, b.tokenGeneration], [0, 0]);
        assert.equal(await store.bumpTokenGeneration(a.id), 1);
        assert.equal(await store.bumpTokenGeneration(a.id), 2);
        // Concurrent bumps all count: each is one atomic UPDATE.
        const concurrent = await Promise.all([1, 2, 3, 4].map(() => store.bumpTokenGeneration(a.id)));
        assert.deepEqual(concurrent.sort(), [3, 4, 5, 6]);
        assert.equal((await store.findUserById(a.id))?.tokenGeneration, 6);
        assert.equal((await store.findUserByName(a.username))?.tokenGeneration, 6);
        assert.equal((await store.findUserById(b.id))?.tokenGeneration, 0);
        assert.equal(await store.bumpTokenGeneration(987654321), undefined);
      });

      it('starts users active with no last-seen time, and keeps the availability each chooses', async () => {
        const [a, b] = [await user(), await user()];
        assert.equal(a.availability, 'active');
        assert.equal(a.lastSeenAt, null);
        assert.equal(await store.setAvailability(a.id, 'dnd'), true);
        assert.equal(await store.setAvailability(a.id, 'dnd'), true, 'the same value again is still a known user');
        assert.equal((await store.findUserById(a.id))?.availability, 'dnd');
        assert.equal((await store.findUserByName(a.username))?.availability, 'dnd');
        assert.equal(await store.setAvailability(a.id, 'away'), true);
        assert.equal((await store.findUserById(a.id))?.availability, 'away');
        assert.equal((await store.findUserById(b.id))?.availability, 'active');
        assert.equal(await store.setAvailability(987654321, 'away'), false);
        const r = await room();
        await store.addMember(r.id, a.id, 1);
        assert.equal((await store.listMembers(r.id))[0]?.availability, 'away');
      });

      it('records last-seen times in one call, never moving one back', async () => {
        const [a, b, c] = [await user(), await user(), await user()];
        await store.recordLastSeen([
          { userId: a.id, at: 5000 },
          { userId: b.id, at: 6000 },
          { userId: 987654321, at: 1 },
        ]);
        assert.equal((await store.findUserById(a.id))?.lastSeenAt, 5000);
        assert.equal((await store.findUserById(b.id))?.lastSeenAt, 6000);
        assert.equal((await store.findUserById(c.id))?.lastSeenAt, null);
        await store.recordLastSeen([
          { userId: a.id, at: 7000 },
          { userId: b.id, at: 4000 }, // older than what is stored: late, ignored
        ]);
        assert.equal((await store.findUserById(a.id))?.lastSeenAt, 7000);
        assert.equal((await store.findUserById(b.id))?.lastSeenAt, 6000);
        await store.recordLastSeen([]);
      });

      it('refuses an availability outside the three', async () => {
        const a = await user();
        // Cast: the type forbids it; the database's check constraint must too.
        await assert.rejects(store.setAvailability(a.id, 'asleep' as 'away'));
        assert.equal((await store.findUserById(a.id))?.availability, 'active');
      });

      it('finds nothing for unknown names and ids', async () => {
        assert.equal(await store.findUserByName(unique('nobody')), undefined);
        assert.equal(await store.findUserById(987654321), undefined);
      });
    });

    describe('users by prefix', () => {
      // The store is shared with the other tests: each prefix starts with this test's unique part.
      const names = async (prefix: string, limit = 50): Promise<string[]> => (await store.listUsersByPrefix(prefix, limit)).map((u) => u.username);

      it('lists users whose name starts with the prefix in any letter case, by lower-cased name, up to the limit', async () => {
        const base = unique('pre');
        for (const suffix of ['Carol', 'alice', 'Bob', 'bobby', 'dave']) assert.ok(await store.createUser(`${base}${suffix}`, 'h', 1));
        assert.ok(await store.createUser(`x${base}bob`, 'h', 1), 'contains the prefix, does not start with it');
        const all = [`${base}alice`, `${base}Bob`, `${base}bobby`, `${base}Carol`, `${base}dave`];
        assert.deepEqual(await names(base), all);
        assert.deepEqual(await names(base.toUpperCase()), all);
        assert.deepEqual(await names(`${base}BO`), [`${base}Bob`, `${base}bobby`]);
        assert.deepEqual(await names(`${base}bob`), [`${base}Bob`, `${base}bobby`]);
        assert.deepEqual(await names(`${base}bobb`), [`${base}bobby`]);
        assert.deepEqual(await names(`${base}carol`), [`${base}Carol`]);
        assert.deepEqual(await names(`${base}carolx`), []);
        assert.deepEqual(await names(`${base}e`), []);
        assert.deepEqual(await names(base, 2), [`${base}alice`, `${base}Bob`]);
        const record = (await store.listUsersByPrefix(`${base}alice`, 1))[0]!;
        assert.deepEqual(record, { id: (await store.findUserByName(`${base}alice`))!.id, username: `${base}alice` });
      });

      it('takes %, _ and \\ literally, and ends the range at the next code point', async () => {
        const base = unique('lit');
        for (const suffix of ['a_b', 'axb', 'a%b', 'ayyb', 'a\\b', 'a-b', 'a.b', 'a', 'b']) assert.ok(await store.createUser(`${base}${suffix}`, 'h', 1));
        const suffixes = async (prefix: string): Promise<string[]> => (await names(prefix)).map((n) => n.slice(base.length));
        assert.deepEqual(await suffixes(`${base}a_`), ['a_b']);
        assert.deepEqual(await suffixes(`${base}a%`), ['a%b']);
        assert.deepEqual(await suffixes(`${base}a\\`), ['a\\b']);
        assert.deepEqual(await suffixes(`${base}a-`), ['a-b']);
        assert.deepEqual(await suffixes(`${base}a.`), ['a.b']);
        // Code point order: % - . \ _ x y after a, all of them before b.
        assert.deepEqual(await suffixes(`${base}a`), ['a', 'a%b', 'a-b', 'a.b', 'a\\b', 'a_b', 'axb', 'ayyb']);
        assert.deepEqual(await suffixes(`${base}%`), []);
        assert.deepEqual(await suffixes(`${base}_`), []);
      });

      it('refuses a limit that is not a positive integer', async () => {
        for (const limit of [0, -1, 1.5, Number.NaN]) await assert.rejects(store.listUsersByPrefix('a', limit), RangeError);
      });
    });

    describe('rooms', () => {
      it('creates a room once; a second create with the key yields undefined', async () => {
        const key = unique('general');
        const created = await store.createRoom(key, 'public', 77);
        assert.deepEqual(created, { id: created!.id, key, visibility: 'public', lastSeq: 0, createdAt: 77 });
        assert.equal(await store.createRoom(key, 'private', 78), undefined);
        assert.deepEqual(await store.findRoom(key), created);
        assert.equal(await store.findRoom(unique('missing')), undefined);
      });

      it('findOrCreateRoom returns one room to concurrent callers', async () => {
        const key = unique('race');
        const rooms = await Promise.all(Array.from({ length: 10 }, (_, i) => store.findOrCreateRoom(key, 'private', i)));
        assert.equal(new Set(rooms.map((r) => r.id)).size, 1);
        assert.equal(rooms[0]!.visibility, 'private');
      });

      it('findOrCreateRoom returns an existing room as it is', async () => {
        const existing = await room('public');
        assert.deepEqual(await store.findOrCreateRoom(existing.key, 'dm', 9), existing);
      });

      it('stores each visibility', async () => {
        for (const visibility of ['public', 'private', 'dm'] as const) {
          assert.equal((await store.findRoom((await room(visibility)).key))?.visibility, visibility);
        }
      });
    });

    describe('memberships', () => {
      it('adds, lists and removes members', async () => {
        const [a, b, r] = [await user(), await user(), await room('private')];
        assert.equal(await store.isMember(r.id, a.id), false);
        assert.deepEqual(await store.addMember(r.id, a.id, 10), { at: 10, afterSeq: 0 });
        assert.equal(await store.addMember(r.id, a.id, 11), undefined);
        assert.deepEqual(await store.addMember(r.id, b.id, 12), { at: 12, afterSeq: 0 });
        assert.equal(await store.isMember(r.id, a.id), true);
        assert.deepEqual(await store.listMembers(r.id), [a, b]);
        assert.deepEqual(await store.listMemberships(a.id), [{ room: r, readSeq: 0 }]);
        assert.deepEqual(await store.removeMember(r.id, a.id, 13), { at: 13, afterSeq: 0 });
        assert.equal(await store.removeMember(r.id, a.id, 14), undefined);
        assert.equal(await store.isMember(r.id, a.id), false);
        assert.deepEqual(await store.listMembers(r.id), [b]);
        assert.deepEqual(await store.listMemberships(a.id), []);
      });

      it('counts the rooms a user is a member of', async () => {
        const [a, b] = [await user(), await user()];
        const rooms = [await room('public'), await room('private'), await room('dm')];
        assert.equal(await store.countMemberships(a.id), 0);
        for (const r of rooms) await store.addMember(r.id, a.id, 1);
        await store.addMember(rooms[0]!.id, a.id, 2); // already a member: no second row
        await store.addMember(rooms[0]!.id, b.id, 2);
        assert.equal(await store.countMemberships(a.id), 3);
        await store.removeMember(rooms[1]!.id, a.id, 3);
        assert.deepEqual([await store.countMemberships(a.id), await store.countMemberships(b.id)], [2, 1]);
        assert.equal(await store.countMemberships(987654321), 0);
      });

      it('lists co-members once, from rooms no larger than the bound', async () => {
        const [me, friend, other, stranger] = [await user(), await user(), await user(), await user()];
        const [small, alsoSmall, big] = [await room(), await room(), await room()];
        for (const [r, members] of [
          [small, [me, friend]],
          [alsoSmall, [me, friend, other]],
          [big, [me, friend, other, stranger]],
        ] as const) {
          for (const m of members) await store.addMember(r.id, m.id, 1);
        }
        const names = async (max: number): Promise<string[]> => (await store.listCoMembers(me.id, max)).map((u) => u.username).sort();
        assert.deepEqual(await names(3), [friend.username, other.username].sort());
        assert.deepEqual(await names(4), [friend.username, other.username, stranger.username].sort());
        assert.deepEqual(await names(1), []);
      });

      it('starts a new member at the room’s last entry: earlier messages are not unread', async () => {
        const [a, b, r] = [await user(), await user(), await room()];
        await store.addMember(r.id, b.id, 1);
        await send(r, b, 4);
        await store.addMember(r.id, a.id, 2);
        assert.deepEqual(await store.listMemberships(a.id), [{ room: { ...r, lastSeq: 4 }, readSeq: 4 }]);
        await send(r, b, 1);
        assert.deepEqual((await store.listMemberships(a.id)).map((m) => m.readSeq), [4]);
      });

      it('moves the read position forward only', async () => {
        const [a, b, r] = [await user(), await user(), await room()];
        await store.addMember(r.id, a.id, 1);
        await send(r, b, 6);
        assert.equal(await store.advanceReadSeq(r.id, a.id, 3), 3);
        assert.equal(await store.advanceReadSeq(r.id, a.id, 1), 3);
        assert.equal(await store.advanceReadSeq(r.id, a.id, 3), 3);
        assert.equal(await store.advanceReadSeq(r.id, a.id, 6), 6);
        assert.deepEqual(
          (await store.listMemberships(a.id)).map((m) => m.readSeq),
          [6],
        );
      });

      it('gives a non-member read position 0 and does not make them a member', async () => {
        const [a, r] = [await user(), await room()];
        assert.equal(await store.advanceReadSeq(r.id, a.id, 4), 0);
        assert.equal(await store.isMember(r.id, a.id), false);
      });

      it('lists public rooms and the user’s own rooms with unread counts', async () => {
        const [alice, bob] = [await user('alice'), await user('bob')];
        const publicOther = await room('public', 'pa'); // alice not a member
        const publicMine = await room('public', 'pb');
        const privateMine = await room('private', 'pc');
        const privateOther = await room('private', 'pd'); // must not be listed
        const dm = await room('dm', 'pe');
        for (const r of [publicMine, privateMine, dm]) await store.addMember(r.id, alice.id, 1);
        for (const r of [publicOther, publicMine, privateMine, privateOther, dm]) await store.addMember(r.id, bob.id, 1);
        await send(publicOther, bob, 2);
        await send(publicMine, alice, 1); // 1: own, never unread
        await send(publicMine, bob, 2); // 2, 3
        await send(publicMine, alice, 1); // 4
        await store.advanceReadSeq(publicMine.id, alice.id, 2);
        await send(privateMine, bob, 3);
        await send(privateOther, bob, 1);
        await send(dm, alice, 1);
        await send(dm, bob, 1);

        const mine = new Set([publicOther.id, publicMine.id, privateMine.id, privateOther.id, dm.id]);
        const listing = (await store.listOwnRooms(alice.id)).filter((entry) => mine.has(entry.room.id));
        // The user's own rooms only: not the public room alice is not in, nor others' private rooms.
        assert.deepEqual(
          listing.map((entry) => [entry.room.key, entry.readSeq, entry.unread]),
          [
            [publicMine.key, 2, 1],
            [privateMine.key, 0, 3],
            [dm.key, 0, 1],
          ].sort(([x], [y]) => String(x).localeCompare(String(y))),
        );
        const listedPublicMine = listing.find((entry) => entry.room.id === publicMine.id);
        assert.equal(listedPublicMine?.room.lastSeq, 4);
        assert.equal(listedPublicMine?.room.visibility, 'public');
        assert.equal(await store.countMemberships(alice.id), 3);
        assert.equal(await store.countMemberships(bob.id), 5);
      });

      it('tells small rooms apart from large ones, and lists members up to a limit', async () => {
        const users = await Promise.all(Array.from({ length: 5 }, () => user()));
        const small = await room();
        const large = await room();
        for (const u of users.slice(0, 2)) await store.addMember(small.id, u.id, 1);
        for (const [i, u] of users.entries()) await store.addMember(large.id, u.id, 10 + i);
        assert.deepEqual(await store.listSmallRooms(users[0]!.id, 3), [small.key]);
        assert.deepEqual((await store.listSmallRooms(users[0]!.id, 5)).sort(), [small.key, large.key].sort());
        assert.deepEqual(await store.listSmallRooms(users[4]!.id, 4), []);
        assert.deepEqual(
          (await store.listMembers(large.id, 3)).map((u) => u.id),
          users.slice(0, 3).map((u) => u.id),
        );
        assert.equal((await store.listMembers(large.id)).length, 5);
        // Co-members come only from rooms up to the size given.
        const co = await store.listCoMembers(users[0]!.id, 3);
        assert.deepEqual(co.map((u) => u.id), [users[1]!.id]);
      });
    });

    describeActivityConformance({ store: () => store, user: () => user(), room: (visibility) => room(visibility), send });

    describe('room directory', () => {
      // The store is shared with the other tests: each query names this test's rooms by a
      // unique part of their keys, in `q` or as the cursor.
      it('lists public rooms only, by key, with member counts, a page at a time', async () => {
        const base = unique('dir');
        const [a, b] = [await user(), await user()];
        const rooms = new Map<string, RoomRecord>();
        for (const suffix of ['c', 'a', 'd', 'b']) rooms.set(suffix, (await store.createRoom(`${base}${suffix}`, 'public', 5))!);
        await store.createRoom(`${base}bb`, 'private', 5);
        await store.createRoom(`${base}bc`, 'dm', 5);
        for (const [suffix, members] of [['a', [a]], ['b', [a, b]]] as const) {
          for (const m of members) await store.addMember(rooms.get(suffix)!.id, m.id, 6);
        }
        const entry = (suffix: string, members: number) => ({ room: rooms.get(suffix)!, members });

        const first = await store.listDirectory({ q: base, limit: 3 });
        assert.deepEqual(first, [entry('a', 1), entry('b', 2), entry('c', 0)]);
        assert.deepEqual(await store.listDirectory({ q: base, limit: 3, after: first.at(-1)!.room.key }), [entry('d', 0)]);
        assert.deepEqual(await store.listDirectory({ q: base, limit: 3, after: `${base}d` }), []);
        // Without q: every public room after the cursor (nothing else sorts between base and its rooms).
        assert.deepEqual(await store.listDirectory({ limit: 4, after: base }), [entry('a', 1), entry('b', 2), entry('c', 0), entry('d', 0)]);
        assert.deepEqual(await store.listDirectory({ q: '', limit: 1, after: base }), [entry('a', 1)]);
      });

      it('matches q anywhere in the key in any letter case, taking %, _ and \\ literally', async () => {
        const base = unique('esc');
        for (const key of ['a_b', 'axb', 'a%b', 'ayyb', 'a\\b', 'Upper']) await store.createRoom(`${base}${key}`, 'public', 1);
        const keys = async (q: string): Promise<string[]> =>
          (await store.listDirectory({ q, limit: 100 })).map((e) => e.room.key.slice(base.length)).sort();
        assert.deepEqual(await keys(`${base}a_b`), ['a_b']);
        assert.deepEqual(await keys(`${base}A%B`), ['a%b']);
        assert.deepEqual(await keys(`${base}a\\b`), ['a\\b']);
        assert.deepEqual(await keys(`${base}a\\`), ['a\\b']);
        assert.deepEqual(await keys(`${base}uPPER`), ['Upper']);
        assert.deepEqual(await keys(`${base.toUpperCase()}A`), ['a%b', 'a\\b', 'a_b', 'axb', 'ayyb'].sort());
        assert.deepEqual(await keys(`${base}a%`), ['a%b']);
        assert.deepEqual(await keys(`${base}zzz`), []);
      });

      it('refuses a limit that is not a positive integer', async () => {
        for (const limit of [0, -1, 1.5, Number.NaN]) await assert.rejects(store.listDirectory({ limit }), RangeError);
      });
    });

    describe('history', () => {
      let alice: UserRecord;
      let r: RoomRecord;
      before(async () => {
        alice = await user('hist');
        r = await room();
        const other = await room();
        await send(other, alice, 3); // must never show up in r's history
        await store.appendMessages(Array.from({ length: 10 }, (_, i) => message(r, alice, `h${i + 1}`, `message ${i + 1}`)));
      });
      const seqs = (page: { messages: { seq: number }[] }) => page.messages.map((m) => m.seq);

      it('returns an empty page for an empty room', async () => {
        assert.deepEqual(await store.history((await room()).id, { limit: 5 }), { messages: [], hasMore: false });
        assert.deepEqual(await store.history(987654321, { before: 3, limit: 5 }), { messages: [], hasMore: false });
      });

      it('pages backwards from the newest', async () => {
        let page = await store.history(r.id, { limit: 3 });
        assert.deepEqual([seqs(page), page.hasMore], [[8, 9, 10], true]);
        page = await store.history(r.id, { before: 8, limit: 3 });
        assert.deepEqual([seqs(page), page.hasMore], [[5, 6, 7], true]);
        page = await store.history(r.id, { before: 4, limit: 3 });
        assert.deepEqual([seqs(page), page.hasMore], [[1, 2, 3], false]);
        page = await store.history(r.id, { before: 1, limit: 3 });
        assert.deepEqual([seqs(page), page.hasMore], [[], false]);
        page = await store.history(r.id, { limit: 10 });
        assert.deepEqual([seqs(page).length, page.hasMore], [10, false]);
      });

      it('pages forwards after a seq', async () => {
        let page = await store.history(r.id, { after: 0, limit: 4 });
        assert.deepEqual([seqs(page), page.hasMore], [[1, 2, 3, 4], true]);
        page = await store.history(r.id, { after: 6, limit: 4 });
        assert.deepEqual([seqs(page), page.hasMore], [[7, 8, 9, 10], false]);
        page = await store.history(r.id, { after: 8, limit: 4 });
        assert.deepEqual([seqs(page), page.hasMore], [[9, 10], false]);
        page = await store.history(r.id, { after: 10, limit: 4 });
        assert.deepEqual([seqs(page), page.hasMore], [[], false]);
      });

      it('returns every field, with the sender’s name from the users table', async () => {
        const page = await store.history(r.id, { after: 1, limit: 1 });
        assert.deepEqual(page.messages, [
          { roomId: r.id, room: r.key, seq: 2, senderId: alice.id, sender: alice.username, text: 'message 2', createdAt: 3000, clientMsgId: 'h2' },
        ]);
      });
    });

    describe('appendMessages', () => {
      it('assigns consecutive seqs across batches and moves last_seq', async () => {
        const [a, r] = [await user(), await room()];
        assert.deepEqual(await send(r, a, 3), [1, 2, 3]);
        assert.deepEqual(await send(r, a, 2), [4, 5]);
        assert.equal((await store.findRoom(r.key))?.lastSeq, 5);
      });

      it('numbers each room of a mixed batch on its own, results in batch order', async () => {
        const [a, b, r1, r2] = [await user(), await user(), await room(), await room()];
        await send(r2, a, 2);
        const batch = [message(r1, a, 'x1'), message(r2, b, 'y1'), message(r1, b, 'x2'), message(r2, a, 'y2'), message(r1, a, 'x3')];
        const results = await store.appendMessages(batch);
        assert.deepEqual(
          results.map((result) => [result.message.room, result.message.clientMsgId, result.message.seq, result.created]),
          [
            [r1.key, 'x1', 1, true],
            [r2.key, 'y1', 3, true],
            [r1.key, 'x2', 2, true],
            [r2.key, 'y2', 4, true],
            [r1.key, 'x3', 3, true],
          ],
        );
        assert.deepEqual(results[1]!.message, { ...batch[1]!, seq: 3 });
        assert.equal((await store.findRoom(r1.key))?.lastSeq, 3);
        assert.equal((await store.findRoom(r2.key))?.lastSeq, 4);
      });

      it('answers a retry in a later batch with the stored message, taking no seq', async () => {
        const [a, r] = [await user(), await room()];
        const [first] = await store.appendMessages([message(r, a, 'retry-me', 'original')]);
        const [retry, next] = await store.appendMessages([message(r, a, 'retry-me', 'changed on retry'), message(r, a, 'next')]);
        assert.deepEqual(retry, { message: first!.message, created: false });
        assert.equal(retry!.message.text, 'original');
        assert.deepEqual([next!.message.seq, next!.created], [2, true]);
        assert.equal((await store.history(r.id, { limit: 10 })).messages.length, 2);
      });

      it('answers a repeat inside one batch with the earlier one’s message', async () => {
        const [a, r] = [await user(), await room()];
        const results = await store.appendMessages([message(r, a, 'dup'), message(r, a, 'other'), message(r, a, 'dup', 'second copy')]);
        assert.deepEqual(
          results.map((result) => [result.message.clientMsgId, result.message.seq, result.created]),
          [
            ['dup', 1, true],
            ['other', 2, true],
            ['dup', 1, false],
          ],
        );
        assert.deepEqual(results[2]!.message, results[0]!.message);
        assert.equal((await store.findRoom(r.key))?.lastSeq, 2);
      });

      it('keys idempotency by room and sender as well as clientMsgId', async () => {
        const [a, b, r1, r2] = [await user(), await user(), await room(), await room()];
        const results = await store.appendMessages([message(r1, a, 'same'), message(r1, b, 'same'), message(r2, a, 'same')]);
        assert.deepEqual(
          results.map((result) => [result.message.seq, result.created]),
          [
            [1, true],
            [2, true],
            [1, true],
          ],
        );
      });

      it('returns nothing for an empty batch', async () => {
        assert.deepEqual(await store.appendMessages([]), []);
      });

      it('stores nothing of a batch that names an unknown room', async () => {
        const [a, r] = [await user(), await room()];
        const ghost: RoomRecord = { id: 987654321, key: 'ghost', visibility: 'public', lastSeq: 0, createdAt: 0 };
        await assert.rejects(store.appendMessages([message(r, a, 'ok'), message(ghost, a, 'lost')]), /no room with id 987654321/);
        assert.equal((await store.findRoom(r.key))?.lastSeq, 0);
        assert.deepEqual(await send(r, a, 1), [1]);
      });

      it('rejects a batch the database refuses with the database’s own error, code and all', async () => {
        // An unknown sender breaks the messages → users foreign key. On a SQLite file the
        // error comes from the writer thread: its class, name and code must survive the trip.
        const [a, r] = [await user(), await room()];
        const stranger: UserRecord = { ...a, id: 987654321 };
        const refused = await store.appendMessages([message(r, a, 'fine'), message(r, stranger, 'refused')]).then(
          () => assert.fail('the batch was accepted'),
          (error: unknown) => error,
        );
        // A refusal for the content: group commit isolates the message at fault (see
        // group-commit.ts); the database's own error is its cause.
        assert.ok(refused instanceof ContentRefusedError);
        const { name, code } = refused.cause as Error & { code?: unknown };
        if (store.dialect === 'postgres') assert.equal(code, '23503');
        else if (store.dialect === 'mysql') assert.equal(code, 'ER_NO_REFERENCED_ROW_2');
        else assert.deepEqual([name, code], ['SqliteError', 'SQLITE_CONSTRAINT_FOREIGNKEY']);
        assert.equal((await store.findRoom(r.key))?.lastSeq, 0);
      });

      it('handles a batch larger than one statement’s parameter limit', async () => {
        const [a, r] = [await user(), await room()];
        await store.appendMessages([message(r, a, 'early')]);
        const batch = Array.from({ length: 12_000 }, (_, i) => message(r, a, `bulk${i}`));
        batch.push(message(r, a, 'early'), message(r, a, 'bulk5'));
        const results = await store.appendMessages(batch);
        assert.deepEqual(results.slice(0, 3).map((result) => result.message.seq), [2, 3, 4]);
        assert.equal(results[11_999]!.message.seq, 12_001);
        assert.deepEqual(results.slice(-2).map((result) => [result.message.seq, result.created]), [
          [1, false],
          [7, false],
        ]);
        assert.equal((await store.findRoom(r.key))?.lastSeq, 12_001);
      });

      it('stores every code point and reads it back exactly, live and in history', async () => {
        // Every Unicode scalar value but NUL (refused at the edge), in messages of the longest
        // text: the four-byte ones (emoji, every supplementary plane) are where a database
        // without full UTF-8 (MySQL's three-byte utf8) would fail or mangle.
        const texts: string[] = [];
        let text = '';
        for (let codePoint = 1; codePoint <= 0x10ffff; codePoint++) {
          if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
          const char = String.fromCodePoint(codePoint);
          if (text.length + char.length > MAX_TEXT_LENGTH) {
            texts.push(text);
            text = '';
          }
          text += char;
        }
        texts.push(text, '👩🏽‍💻 café ﷽ e\u0301 \u202egnp.exe 𝕏 \u{10ffff}', ' padded  ');
        const [a, r] = [await user(), await room()];
        const results = await store.appendMessages(texts.map((t, i) => message(r, a, `cp${i}`, t)));
        assert.deepEqual(results.map((result) => result.message.text), texts);
        const stored: string[] = [];
        let after = 0;
        for (;;) {
          const page = await store.history(r.id, { after, limit: 100 });
          stored.push(...page.messages.map((m) => m.text));
          if (!page.hasMore) break;
          after = page.messages.at(-1)!.seq;
        }
        assert.equal(stored.length, texts.length);
        for (let i = 0; i < texts.length; i++) assert.ok(stored[i] === texts[i], `message ${i} came back different`);
      });

      it('tells apart clientMsgIds that differ only in case, accents or trailing spaces', async () => {
        const [a, r] = [await user(), await room()];
        const ids = ['id', 'ID', 'id ', 'íd', 'i\u0301d', 'id\t'];
        const results = await store.appendMessages(ids.map((id) => message(r, a, id)));
        assert.deepEqual(results.map((result) => [result.message.clientMsgId, result.created]), ids.map((id) => [id, true]));
        const again = await store.appendMessages(ids.map((id) => message(r, a, id)).reverse());
        assert.deepEqual(again.map((result) => [result.message.clientMsgId, result.message.seq, result.created]), ids.map((id, i) => [id, i + 1, false]).reverse());
      });
    });

    describe('refresh tokens', () => {
      async function token(familyId: string, userId: number): Promise<number> {
        const tokenHash = unique('hash');
        await store.createRefreshToken({ familyId, userId, tokenHash, expiresAt: 9_000_000_000_000 }, 100);
        const found = await store.findRefreshToken(tokenHash);
        assert.ok(found);
        return found.id;
      }

      it('stores a token and finds it by hash', async () => {
        const a = await user();
        const tokenHash = unique('hash');
        await store.createRefreshToken({ familyId: 'fam', userId: a.id, tokenHash, expiresAt: 9_000_000_000_000 }, 100);
        const found = await store.findRefreshToken(tokenHash);
        assert.deepEqual(found, { id: found!.id, familyId: 'fam', userId: a.id, tokenHash, expiresAt: 9_000_000_000_000, usedAt: null, revokedAt: null });
        assert.equal(await store.findRefreshToken(unique('nohash')), undefined);
      });

      it('marks a token used exactly once', async () => {
        const a = await user();
        const id = await token(unique('fam'), a.id);
        const outcomes = await Promise.all([1, 2, 3, 4].map((n) => store.markRefreshTokenUsed(id, 200 + n)));
        assert.equal(outcomes.filter(Boolean).length, 1);
        assert.equal(await store.markRefreshTokenUsed(id, 300), false);
      });

      it('revokes a whole family and nothing else, keeping the first revocation time', async () => {
        const a = await user();
        const [family, otherFamily] = [unique('fam'), unique('fam')];
        const tokenHashes = [unique('hash'), unique('hash'), unique('hash')];
        await store.createRefreshToken({ familyId: family, userId: a.id, tokenHash: tokenHashes[0]!, expiresAt: 1 }, 1);
        await store.createRefreshToken({ familyId: family, userId: a.id, tokenHash: tokenHashes[1]!, expiresAt: 1 }, 1);
        await store.createRefreshToken({ familyId: otherFamily, userId: a.id, tokenHash: tokenHashes[2]!, expiresAt: 1 }, 1);
        await store.revokeRefreshFamily(family, 500);
        await store.revokeRefreshFamily(family, 600);
        const revoked = await Promise.all(tokenHashes.map(async (hash) => (await store.findRefreshToken(hash))?.revokedAt));
        assert.deepEqual(revoked, [500, 500, null]);
      });
    });

    describe('lifecycle', () => {
      it('answers ping', async () => {
        await store.ping();
      });

      it('migrates an already migrated database to nothing', async () => {
        assert.deepEqual(await store.migrate(), { applied: [] });
      });

      it('migrates a fresh database once, then to nothing', async () => {
        const fresh = await factory!();
        const other = await openStore(fresh.url, { migrate: false });
        try {
          assert.deepEqual(await other.migrate(), { applied: ['0001-initial', '0002-token-generation', '0003-public-room-directory', '0004-dm-participants', '0005-username-prefix-index', '0006-room-activity', '0007-user-presence'] });
          assert.deepEqual(await other.migrate(), { applied: [] });
        } finally {
          await other.close();
          await fresh.cleanup();
        }
      });
    });
  });
}

describeStoreConformance('SqlStore on SQLite in memory', async () => ({ url: 'sqlite::memory:', cleanup: async () => {} }));

describeStoreConformance('SqlStore on a SQLite file (WAL)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hubbub-store-'));
  return { url: `sqlite:${join(dir, 'nested', 'hubbub.db')}`, cleanup: () => rm(dir, { recursive: true, force: true }) };
});

// Probe once at load time: `describe` must know whether to skip before any test runs.
const probe = await createTestDatabase();
await probe?.drop();
describeStoreConformance(
  'SqlStore on PostgreSQL',
  probe &&
    (async () => {
      const database = await createTestDatabase();
      if (!database) throw new Error('PostgreSQL went away during the test run');
      return { url: database.url, cleanup: () => database.drop() };
    }),
);

const mysqlProbe = await createTestMysqlDatabase();
await mysqlProbe?.drop();
describeStoreConformance(
  'SqlStore on MySQL (MariaDB)',
  mysqlProbe &&
    (async () => {
      const database = await createTestMysqlDatabase();
      if (!database) throw new Error('MySQL went away during the test run');
      return { url: database.url, cleanup: () => database.drop() };
    }),
  'MySQL unreachable',
);
