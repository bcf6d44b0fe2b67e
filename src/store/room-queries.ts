/** The `RoomStore` queries about rooms themselves (memberships are in membership-queries.ts). */
import type { Kysely } from 'kysely';
import type { RoomRecord, RoomVisibility } from '../core/store.js';
import type { SqlDialectName } from '../config/database-url.js';
import type { Database } from './schema.js';
import { toRoomRecord } from './rows.js';
import { isDuplicateKey } from './mysql-errors.js';

/** The room with this key. */
export async function findRoom(db: Kysely<Database>, key: string): Promise<RoomRecord | undefined> {
  const row = await db.selectFrom('rooms').selectAll().where('key', '=', key).executeTakeFirst();
  return row && toRoomRecord(row);
}

/**
 * Inserts a room; undefined when the key exists (atomically, through ON CONFLICT; on MySQL,
 * which has neither it nor RETURNING, through the unique key's duplicate-key error).
 */
export async function createRoom(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  key: string,
  visibility: RoomVisibility,
  now: number,
): Promise<RoomRecord | undefined> {
  if (dialect === 'mysql') {
    try {
      const result = await db.insertInto('rooms').values({ key, visibility, last_seq: 0, created_at: now }).executeTakeFirstOrThrow();
      return { id: Number(result.insertId), key, visibility, lastSeq: 0, createdAt: now };
    } catch (error) {
      if (isDuplicateKey(error)) return undefined;
      throw error;
    }
  }
  const row = await db
    .insertInto('rooms')
    .values({ key, visibility, last_seq: 0, created_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && toRoomRecord(row);
}

/**
 * The room with this key, created when missing. Insert-then-select rather than
 * select-then-insert: when two callers race, one insert wins, the other does nothing, and
 * both then read the winner's row (on PostgreSQL and MySQL the loser's insert waits for the
 * winner's commit, so the row is visible to its next statement).
 */
export async function findOrCreateRoom(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  key: string,
  visibility: RoomVisibility,
  now: number,
): Promise<RoomRecord> {
  const created = await createRoom(db, dialect, key, visibility, now);
  if (created) return created;
  const existing = await findRoom(db, key);
  if (!existing) throw new Error(`room ${JSON.stringify(key)} conflicted on insert but cannot be found`);
  return existing;
}
