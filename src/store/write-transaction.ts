/** Running a read-then-write unit of work as one transaction, the way each dialect needs it. */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialectName } from '../config/database-url.js';
import type { Database } from './schema.js';
import { retryingLockConflicts } from './mysql-errors.js';

/**
 * Runs `work` in a transaction that will write. On SQLite the transaction starts with
 * BEGIN IMMEDIATE: it takes the database's write lock before the first read, so what the
 * work reads (a room's `last_seq`) cannot change under it in another process, and waiting
 * for the lock honours `busy_timeout` (a deferred BEGIN that upgrades to writing after
 * reading fails at once with SQLITE_BUSY instead). On PostgreSQL it is an ordinary READ
 * COMMITTED transaction; the work takes the row locks it needs. On MySQL too (its connections
 * run READ COMMITTED), and a transaction that lost a lock race (a deadlock, a lock wait
 * timeout) runs again from the start, so `work` must only read and write through `trx`.
 */
export async function writeTransaction<T>(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (dialect === 'postgres') return inTransaction(db, 'begin', work);
  if (dialect === 'mysql') return retryingLockConflicts(() => inTransaction(db, 'begin', work));
  return inTransaction(db, 'begin immediate', work);
}

/**
 * `work` between `begin` and `commit` on one connection of `db` (connection() holds it for the
 * whole callback, so no other query of this process slips into the transaction). Spelled out
 * rather than Kysely's `transaction()`, which reports the error of its ROLLBACK when that fails
 * too: on a connection the server cut, that would hide why the transaction failed behind
 * "connection closed". The rollback's own failure is dropped: the database has then already
 * rolled back (a dead connection, SQLite after SQLITE_FULL or an I/O error).
 */
function inTransaction<T>(db: Kysely<Database>, begin: 'begin' | 'begin immediate', work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql.raw(begin).execute(conn);
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw error;
    }
  });
}
