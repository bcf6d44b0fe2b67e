/** The `UserStore` queries. */
import type { Kysely } from 'kysely';
import type { LastSeen, UserRecord } from '../core/store.js';
import { DEFAULT_AVAILABILITY, type Availability } from '../protocol/availability.js';
import type { SqlDialectName } from '../config/database-url.js';
import type { Database } from './schema.js';
import { USER_COLUMNS, toUserRecord } from './rows.js';
import { isDuplicateKey } from './mysql-errors.js';
import { writeTransaction } from './write-transaction.js';

/**
 * Inserts a user; undefined when the name is taken in any letter case. ON CONFLICT makes the
 * check and the insert one atomic statement, so two racing sign-ups cannot both win, and the
 * loser gets no error (which on PostgreSQL would also poison an enclosing transaction).
 */
export async function createUser(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  username: string,
  passwordHash: string | null,
  now: number,
): Promise<UserRecord | undefined> {
  if (dialect === 'mysql') return createUserOnMysql(db, username, passwordHash, now);
  const row = await db
    .insertInto('users')
    .values({ username, username_lower: username.toLowerCase(), password_hash: passwordHash, created_at: now })
    .onConflict((oc) => oc.column('username_lower').doNothing())
    .returning(USER_COLUMNS)
    .executeTakeFirst();
  return row && toUserRecord(row);
}

/**
 * MySQL has neither ON CONFLICT nor RETURNING: the unique key refuses the loser of a race with
 * a duplicate-key error (which, unlike on PostgreSQL, leaves an enclosing transaction usable),
 * and the new row is what was inserted, with the id the server reports.
 */
async function createUserOnMysql(db: Kysely<Database>, username: string, passwordHash: string | null, now: number): Promise<UserRecord | undefined> {
  try {
    const result = await db
      .insertInto('users')
      .values({ username, username_lower: username.toLowerCase(), password_hash: passwordHash, created_at: now })
      .executeTakeFirstOrThrow();
    return { id: Number(result.insertId), username, passwordHash, createdAt: now, tokenGeneration: 0, availability: DEFAULT_AVAILABILITY, lastSeenAt: null };
  } catch (error) {
    if (isDuplicateKey(error)) return undefined;
    throw error;
  }
}

/** The user with this name in any letter case. */
export async function findUserByName(db: Kysely<Database>, username: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username_lower', '=', username.toLowerCase()).executeTakeFirst();
  return row && toUserRecord(row);
}

/** The user with this id. */
export async function findUserById(db: Kysely<Database>, id: number): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUserRecord(row);
}

/**
 * Adds one to the user's token generation, in one statement (two concurrent bumps both count);
 * the new generation, or undefined when no user has this id.
 */
export async function bumpTokenGeneration(db: Kysely<Database>, dialect: SqlDialectName, userId: number): Promise<number | undefined> {
  const bump = (trx: Kysely<Database>) =>
    trx
      .updateTable('users')
      .set((eb) => ({ token_generation: eb('token_generation', '+', 1) }))
      .where('id', '=', userId);
  if (dialect !== 'mysql') return (await bump(db).returning('token_generation').executeTakeFirst())?.token_generation;
  // MySQL has no RETURNING: the update's row lock, held until commit, keeps any other bump
  // from slipping between it and the read.
  return writeTransaction(db, dialect, async (trx) => {
    const result = await bump(trx).executeTakeFirstOrThrow();
    if (result.numUpdatedRows === 0n) return undefined;
    const row = await trx.selectFrom('users').select('token_generation').where('id', '=', userId).executeTakeFirst();
    return row?.token_generation;
  });
}

/** Stores the user's chosen availability; false when no user has this id. */
export async function setAvailability(db: Kysely<Database>, userId: number, availability: Availability): Promise<boolean> {
  const result = await db.updateTable('users').set({ availability }).where('id', '=', userId).executeTakeFirst();
  // MySQL counts changed rows, not matched ones: setting the value a user has reports 0.
  if (result.numUpdatedRows > 0n) return true;
  return (await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()) !== undefined;
}

/**
 * Records when users went offline, in one transaction. A time never moves back: an older
 * transition arriving late (a slow node) does not overwrite a newer one.
 */
export async function recordLastSeen(db: Kysely<Database>, dialect: SqlDialectName, entries: readonly LastSeen[]): Promise<void> {
  if (entries.length === 0) return;
  await writeTransaction(db, dialect, async (trx) => {
    for (const { userId, at } of entries) {
      await trx
        .updateTable('users')
        .set({ last_seen_at: at })
        .where('id', '=', userId)
        .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', at)]))
        .execute();
    }
  });
}
