/** The `UserStore` queries. */
import type { Kysely } from 'kysely';
import type { UserRecord } from '../core/store.js';
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
    return { id: Number(result.insertId), username, passwordHash, createdAt: now, tokenGeneration: 0 };
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
