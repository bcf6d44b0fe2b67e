/** `listDirectory`: public rooms by key, a page at a time, for people looking for a room. */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DirectoryEntry, DirectoryQuery } from '../core/store.js';
import type { Database } from './schema.js';
import { ROOM_COLUMNS, toRoomRecord } from './rows.js';

/**
 * The LIKE escape character of `containsPattern`: not a backslash, which MySQL's string
 * literals would read as an escape of their own.
 */
const LIKE_ESCAPE = '!';

/**
 * Public rooms whose key contains `q` (any letter case), with keys after `after`, ordered by
 * key, at most `limit`. The walk follows the partial index of public rooms by key from the
 * cursor and stops after `limit` matches; the member count of each listed room is a range of
 * the memberships key.
 */
export async function listDirectory(db: Kysely<Database>, query: DirectoryQuery): Promise<DirectoryEntry[]> {
  const { q, limit, after } = query;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`directory limit must be a positive integer, got ${limit}`);
  let select = db
    .selectFrom('rooms as r')
    .select(ROOM_COLUMNS)
    .select((eb) => eb.selectFrom('memberships as m').select(eb.fn.countAll().as('n')).whereRef('m.room_id', '=', 'r.id').as('members'))
    // A literal, not a parameter: the planners match it against the partial index's condition.
    .where('r.visibility', '=', sql.lit('public'))
    .orderBy('r.key')
    .limit(limit);
  if (after !== undefined) select = select.where('r.key', '>', after);
  if (q !== undefined && q !== '') {
    // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's and MySQL's (with a binary collation) do not.
    select = select.where(sql<boolean>`lower(${sql.ref('r.key')}) like ${containsPattern(q.toLowerCase())} escape ${sql.lit(LIKE_ESCAPE)}`);
  }
  const rows = await select.execute();
  return rows.map((row) => ({ room: toRoomRecord(row), members: Number(row.members ?? 0) }));
}

/** A LIKE pattern matching text that contains `text`, its `%`, `_` and escape characters taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[%_!]/g, (char) => LIKE_ESCAPE + char)}%`;
}
