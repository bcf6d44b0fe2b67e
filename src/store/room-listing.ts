/** `listRoomsForUser`: the room list a client shows, in one query. */
import type { Kysely } from 'kysely';
import type { RoomListing } from '../core/store.js';
import type { Database } from './schema.js';
import { ROOM_COLUMNS, toRoomRecord } from './rows.js';

/**
 * Every public room and every room the user is a member of, by key, with the read position
 * and the unread count (messages after it from others). One statement: the count is a
 * correlated subquery walking the (room_id, seq) key from the read position, so its cost is
 * the unread messages, not the room's history; non-members have no read position, so the
 * comparison with NULL counts nothing.
 */
export async function listRoomsForUser(db: Kysely<Database>, userId: number, membersOnly = false): Promise<RoomListing[]> {
  const rows = await db
    .selectFrom('rooms as r')
    .leftJoin('memberships as m', (join) => join.onRef('m.room_id', '=', 'r.id').on('m.user_id', '=', userId))
    .select(ROOM_COLUMNS)
    .select('m.read_seq')
    .select((eb) =>
      eb
        .selectFrom('messages as msg')
        .select(eb.fn.countAll().as('n'))
        .whereRef('msg.room_id', '=', 'r.id')
        .whereRef('msg.seq', '>', 'm.read_seq')
        .where('msg.sender_id', '<>', userId)
        .as('unread'),
    )
    .where((eb) => (membersOnly ? eb('m.user_id', 'is not', null) : eb.or([eb('r.visibility', '=', 'public'), eb('m.user_id', 'is not', null)])))
    .orderBy('r.key')
    .execute();
  return rows.map((row) => ({
    room: toRoomRecord(row),
    member: row.read_seq !== null,
    readSeq: row.read_seq ?? 0,
    unread: Number(row.unread ?? 0),
  }));
}
