/** The `RoomStore` queries about memberships and read positions. */
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { MembershipMark, MembershipRecord, UserRecord } from '../core/store.js';
import type { SqlDialectName } from '../config/database-url.js';
import type { Database } from './schema.js';
import { ROOM_COLUMNS, toRoomRecord, toUserRecord } from './rows.js';
import { isDuplicateKey } from './mysql-errors.js';
import { writeTransaction } from './write-transaction.js';
import { recordActivity, roomAtChange } from './activity-queries.js';

/**
 * Adds a member and records the join in the room's activity, in one transaction; undefined when
 * already a member (nothing recorded). The new member's read position is the room's last entry:
 * what was said before one joined is history to read, not unread messages (a newcomer to a busy
 * room would otherwise meet a badge of thousands and a "new messages" line above message 1).
 */
export async function addMember(db: Kysely<Database>, dialect: SqlDialectName, roomId: number, userId: number, now: number): Promise<MembershipMark | undefined> {
  return writeTransaction(db, dialect, async (trx) => {
    const room = await roomAtChange(trx, roomId);
    if (!(await insertMembership(trx, dialect, roomId, userId, room.lastSeq, now))) return undefined;
    return recordActivity(trx, room, { roomId, userId, action: 'joined', now });
  });
}

async function insertMembership(trx: Kysely<Database>, dialect: SqlDialectName, roomId: number, userId: number, readSeq: number, now: number): Promise<boolean> {
  const insert = trx.insertInto('memberships').values({ room_id: roomId, user_id: userId, read_seq: readSeq, joined_at: now });
  if (dialect === 'mysql') {
    // No ON CONFLICT: the primary key refuses a second membership (InnoDB undoes the statement
    // alone, and the transaction goes on).
    try {
      await insert.execute();
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
  const result = await insert.onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing()).executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/**
 * Removes a member and records the leave, in one transaction; undefined when not a member
 * (nothing recorded).
 */
export async function removeMember(db: Kysely<Database>, dialect: SqlDialectName, roomId: number, userId: number, now: number): Promise<MembershipMark | undefined> {
  return writeTransaction(db, dialect, async (trx) => {
    const room = await roomAtChange(trx, roomId);
    const result = await trx.deleteFrom('memberships').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();
    if (result.numDeletedRows === 0n) return undefined;
    return recordActivity(trx, room, { roomId, userId, action: 'left', now });
  });
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

/** The room's members, in the order they joined; the first `limit` when given. */
export async function listMembers(db: Kysely<Database>, roomId: number, limit?: number): Promise<UserRecord[]> {
  let query = db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.username', 'u.password_hash', 'u.created_at', 'u.token_generation', 'u.availability', 'u.last_seen_at'])
    .where('m.room_id', '=', roomId)
    .orderBy('m.joined_at')
    .orderBy('u.id');
  if (limit !== undefined) query = query.limit(limit);
  return (await query.execute()).map(toUserRecord);
}

/** How many rooms the user is a member of (one range of the user_id index). */
export async function countMemberships(db: Kysely<Database>, userId: number): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Keys of the user's rooms with at most `maxMembers` members. Each room's check stops at
 * `maxMembers + 1` rows (see `atMostMembers`), so a room of a million members costs what a
 * room of a hundred does.
 */
export async function listSmallRooms(db: Kysely<Database>, userId: number, maxMembers: number): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships as mine')
    .innerJoin('rooms as r', 'r.id', 'mine.room_id')
    .select('r.key')
    .where('mine.user_id', '=', userId)
    .where((eb) => atMostMembers(eb, maxMembers))
    .orderBy('r.key')
    .execute();
  return rows.map((row) => row.key);
}

/**
 * Users sharing a room of at most `maxRoomSize` members with `userId`, the user excluded, each
 * once. Large rooms are left out on purpose: listing them on every connect would cost
 * O(members) per connection (O(members²) for a room's reconnect storm), and each room's check
 * stops at `maxRoomSize + 1` rows so that telling a large room apart is cheap too.
 */
export async function listCoMembers(db: Kysely<Database>, userId: number, maxRoomSize: number): Promise<{ id: number; username: string }[]> {
  return db
    .with('small_rooms', (qb) =>
      qb
        .selectFrom('memberships as mine')
        .select('mine.room_id')
        .where('mine.user_id', '=', userId)
        .where((eb) => atMostMembers(eb, maxRoomSize)),
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

/**
 * Moves the read position forward to `seq`, never back, in one statement (two devices
 * reading at once cannot move it backwards); 0 for a non-member, who gets no row.
 */
export async function advanceReadSeq(db: Kysely<Database>, dialect: SqlDialectName, roomId: number, userId: number, seq: number): Promise<number> {
  const advance = (trx: Kysely<Database>) =>
    trx
      .updateTable('memberships')
      // CASE rather than max()/greatest(): the dialects spell those differently.
      .set((eb) => ({
        read_seq: eb.case().when('read_seq', '<', seq).then(seq).else(eb.ref('read_seq')).end(),
      }))
      .where('room_id', '=', roomId)
      .where('user_id', '=', userId);
  if (dialect !== 'mysql') return (await advance(db).returning('read_seq').executeTakeFirst())?.read_seq ?? 0;
  // MySQL has no RETURNING: the update's row lock, held until commit, makes the read that
  // follows see the position this update left (a lost lock race runs both again).
  return writeTransaction(db, dialect, async (trx) => {
    await advance(trx).execute();
    const row = await trx.selectFrom('memberships').select('read_seq').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst();
    return row?.read_seq ?? 0;
  });
}

/**
 * Whether the room of `mine.room_id` has at most `max` members: whether it has no member at
 * position `max + 1` of its primary key, at the cost of `max + 1` index entries whatever its
 * size. A scalar subquery with OFFSET rather than a count over a LIMITed derived table:
 * MariaDB lets no derived table refer to the outer query.
 */
function atMostMembers(eb: ExpressionBuilder<Database & { mine: Database['memberships'] }, 'mine'>, max: number) {
  return eb(
    eb.selectFrom('memberships as c').select('c.user_id').whereRef('c.room_id', '=', 'mine.room_id').orderBy('c.user_id').limit(1).offset(max),
    'is',
    null,
  );
}
