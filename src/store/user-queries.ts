/** The `UserStore` queries. */
import type { Kysely } from 'kysely';
import type { UserRecord } from '../core/store.js';
import type { Database } from './schema.js';
import { USER_COLUMNS, toUserRecord } from './rows.js';

/**
 * Inserts a user; undefined when the name is taken in any letter case. ON CONFLICT makes the
 * check and the insert one atomic statement, so two racing sign-ups cannot both win, and the
 * loser gets no error (which on PostgreSQL would also poison an enclosing transaction).
 */
export async function createUser(
  db: Kysely<Database>,
  username: string,
  passwordHash: string | null,
  now: number,
): Promise<UserRecord | undefined> {
  const row = await db
    .insertInto('users')
    .values({ username, username_lower: username.toLowerCase(), password_hash: passwordHash, created_at: now })
    .onConflict((oc) => oc.column('username_lower').doNothing())
    .returning(USER_COLUMNS)
    .executeTakeFirst();
  return row && toUserRecord(row);
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
export async function bumpTokenGeneration(db: Kysely<Database>, userId: number): Promise<number | undefined> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ token_generation: eb('token_generation', '+', 1) }))
    .where('id', '=', userId)
    .returning('token_generation')
    .executeTakeFirst();
  return row?.token_generation;
}
