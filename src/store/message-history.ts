/** `history`: pages of a room's messages by `seq` cursor. */
import type { Kysely } from 'kysely';
import type { HistoryPage, HistoryQuery } from '../core/store.js';
import type { Database } from './schema.js';
import { MESSAGE_COLUMNS, toStoredMessage } from './rows.js';

/**
 * One page of history, ascending by seq. `after` pages forward (the oldest `limit` after
 * it); `before`, or no cursor, pages backward (the newest `limit` before it, or of all).
 * Each page is one range scan of the (room_id, seq) primary key; one row more than `limit`
 * is fetched to learn whether the page was cut.
 */
export async function history(db: Kysely<Database>, roomId: number, query: HistoryQuery): Promise<HistoryPage> {
  const { before, after, limit } = query;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`history limit must be a positive integer, got ${limit}`);
  if (before !== undefined && after !== undefined) throw new RangeError('history takes before or after, not both');
  const forward = after !== undefined;

  let select = db
    .selectFrom('messages as m')
    .innerJoin('rooms as r', 'r.id', 'm.room_id')
    .innerJoin('users as u', 'u.id', 'm.sender_id')
    .select(MESSAGE_COLUMNS)
    .where('m.room_id', '=', roomId)
    .orderBy('m.seq', forward ? 'asc' : 'desc')
    .limit(limit + 1);
  if (after !== undefined) select = select.where('m.seq', '>', after);
  if (before !== undefined) select = select.where('m.seq', '<', before);
  const rows = await select.execute();

  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  if (!forward) page.reverse();
  return { messages: page.map(toStoredMessage), hasMore };
}
