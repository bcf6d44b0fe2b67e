/** The `RoomStore` queries about memberships and read positions. */
import type { Kysely } from 'kysely';
import type { MembershipRecord, UserRecord } from '../core/store.js';
import type { Database } from './schema.js';
import { ROOM_COLUMNS, toRoomRecord, toUserRecord } from './rows.js';

/** Adds a member with read position 0; false when already a member. */
export async function addMember(db: Kysely<Database>, roomId: number, userId: number, now: number): Promise<boolean> {
  const result = await db
    .insertInto('memberships')
    .values({ room_id: roomId, user_id: userId, read_seq: 0, joined_at: now })
    .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/** Removes a member; false when not a member. */
export async function removeMember(db: Kysely<Database>, roomId: number, userId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('memberships')
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Whether the user is a member of the room. */
export async function isMember(db: Kysely<Database>, roomId: number, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('memberships')
    .select('room_id')
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The user's rooms with read positions, by room key. */
export async function listMemberships(db: Kysely<Database>, userId: number): Promise<MembershipRecord[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('rooms as r', 'r.id', 'm.room_id')
    .select([...ROOM_COLUMNS, 'm.read_seq'])
    .where('m.user_id', '=', userId)
    .orderBy('r.key')
    .execute();
  return rows.map((row) => ({ room: toRoomRecord(row), readSeq: row.read_seq }));
}

/** The room's members, in the order they joined. */
export async function listMembers(db: Kysely<Database>, roomId: number): Promise<UserRecord[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.username', 'u.password_hash', 'u.created_at', 'u.token_generation'])
    .where('m.room_id', '=', roomId)
    .orderBy('m.joined_at')
    .orderBy('u.id')
    .execute();
  return rows.map(toUserRecord);
}

/**
 * Users sharing a room of at most `maxRoomSize` members with `userId`, the user excluded, each
 * once. Large rooms are left out on purpose: listing them on every connect would cost
 * O(members) per connection (O(members²) for a room's reconnect storm).
 */
export async function listCoMembers(db: Kysely<Database>, userId: number, maxRoomSize: number): Promise<{ id: number; username: string }[]> {
  return db
    .with('small_rooms', (qb) =>
      qb
        .selectFrom('memberships as mine')
        .select('mine.room_id')
        .where('mine.user_id', '=', userId)
        .where((eb) =>
          eb(eb.selectFrom('memberships as c').select(eb.fn.countAll().as('n')).whereRef('c.room_id', '=', 'mine.room_id'), '<=', maxRoomSize),
        ),
    )
    .selectFrom('small_rooms')
    .innerJoin('memberships as theirs', 'theirs.room_id', 'small_rooms.room_id')
    .innerJoin('users as u', 'u.id', 'theirs.user_id')
    .select(['u.id', 'u.username'])
    .distinct()
    .where('theirs.user_id', '<>', userId)
    .orderBy('u.id')
    .execute();
}

/** How many rooms the user is a member of: a range of the memberships-by-user index. */
export async function countMemberships(db: Kysely<Database>, userId: number): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Moves the read position forward to `seq`, never back, in one statement (two devices
 * reading at once cannot move it backwards); 0 for a non-member, who gets no row.
 */
export async function advanceReadSeq(db: Kysely<Database>, roomId: number, userId: number, seq: number): Promise<number> {
  const row = await db
    .updateTable('memberships')
    // CASE rather than max()/greatest(): SQLite and PostgreSQL spell those differently.
    .set((eb) => ({
      read_seq: eb.case().when('read_seq', '<', seq).then(seq).else(eb.ref('read_seq')).end(),
    }))
    .where('room_id', '=', roomId)
    .where('user_id', '=', userId)
    .returning('read_seq')
    .executeTakeFirst();
  return row?.read_seq ?? 0;
}

/** Messages in the room after `afterSeq` that `userId` did not send. */
export async function countUnread(db: Kysely<Database>, roomId: number, userId: number, afterSeq: number): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll().as('unread'))
    .where('room_id', '=', roomId)
    .where('seq', '>', afterSeq)
    .where('sender_id', '<>', userId)
    .executeTakeFirstOrThrow();
  return Number(row.unread);
}
