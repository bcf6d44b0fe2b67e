/** `listOwnRooms`: the room list a client shows, in one query. */
import type { Kysely } from 'kysely';
import type { RoomListing } from '../core/store.js';
import type { Database } from './schema.js';
import { ROOM_COLUMNS, toRoomRecord } from './rows.js';

/**
 * Every room the user is a member of, by key, with the read position and the unread count
 * (messages after it from others). One statement: the count is a correlated subquery walking
 * the (room_id, seq) key from the read position, so its cost is the unread messages, not the
 * room's history.
 */
export async function listOwnRooms(db: Kysely<Database>, userId: number): Promise<RoomListing[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('rooms as r', 'r.id', 'm.room_id')
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
    .where('m.user_id', '=', userId)
    .orderBy('r.key')
    .execute();
  return rows.map((row) => ({ room: toRoomRecord(row), readSeq: row.read_seq, unread: Number(row.unread ?? 0) }));
}
