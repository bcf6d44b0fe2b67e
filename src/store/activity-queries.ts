/**
 * A room's activity: the joins and leaves recorded with each membership change, read back by
 * `after_seq` window for the conversation's quiet lines.
 */
import type { Kysely } from 'kysely';
import type { ActivityPage, ActivityQuery, MembershipMark, RoomVisibility } from '../core/store.js';
import type { Database } from './schema.js';

/** What a membership change needs to know of its room, read in the change's transaction. */
export interface RoomAtChange {
  readonly visibility: RoomVisibility;
  readonly lastSeq: number;
}

/** The room's visibility and last seq, read inside the transaction of a membership change. */
export async function roomAtChange(trx: Kysely<Database>, roomId: number): Promise<RoomAtChange> {
  const row = await trx.selectFrom('rooms').select(['visibility', 'last_seq']).where('id', '=', roomId).executeTakeFirst();
  if (row === undefined) throw new Error(`room ${roomId} does not exist`);
  return { visibility: row.visibility, lastSeq: Number(row.last_seq) };
}

/**
 * Records a change that has just been made in `trx`, after the room's last message; nothing is
 * recorded for a direct conversation (its two members never change), yet the mark is returned.
 */
export async function recordActivity(
  trx: Kysely<Database>,
  room: RoomAtChange,
  change: { roomId: number; userId: number; action: 'joined' | 'left'; now: number },
): Promise<MembershipMark> {
  if (room.visibility !== 'dm') {
    await trx
      .insertInto('room_activity')
      .values({ room_id: change.roomId, user_id: change.userId, action: change.action, after_seq: room.lastSeq, created_at: change.now })
      .execute();
  }
  return { at: change.now, afterSeq: room.lastSeq };
}

/**
 * A window of the room's activity in conversation order. One range of the (room_id, after_seq,
 * id) index, walked from the end the query asks for; one row more than `limit` tells whether
 * the window held more.
 */
export async function roomActivity(db: Kysely<Database>, roomId: number, query: ActivityQuery): Promise<ActivityPage> {
  const { after, before, limit } = query;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`activity limit must be a positive integer, got ${limit}`);
  // Forward (oldest first) only for `after` alone, as history pages forward; otherwise the
  // newest of the window, nearest to what the reader is looking at.
  const forward = after !== undefined && before === undefined;
  const direction = forward ? 'asc' : 'desc';
  // The page is cut from the activity alone, then joined to the users (see message-history.ts).
  let slice = db
    .selectFrom('room_activity')
    .select(['id', 'user_id', 'action', 'after_seq', 'created_at'])
    .where('room_id', '=', roomId)
    .orderBy('after_seq', direction)
    .orderBy('id', direction)
    .limit(limit + 1);
  if (after !== undefined) slice = slice.where('after_seq', '>', after);
  if (before !== undefined) slice = slice.where('after_seq', '<', before);
  const rows = await db
    .selectFrom(slice.as('a'))
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select(['u.username', 'a.action', 'a.after_seq', 'a.created_at'])
    .orderBy('a.after_seq', direction)
    .orderBy('a.id', direction)
    .execute();
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  if (!forward) page.reverse();
  return {
    activity: page.map((row) => ({ username: row.username, action: row.action, at: Number(row.created_at), afterSeq: Number(row.after_seq) })),
    hasMore,
  };
}
