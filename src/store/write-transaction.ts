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
  if (dialect === 'postgres') return db.transaction().execute(work);
  if (dialect === 'mysql') return retryingLockConflicts(() => db.transaction().execute(work));
  // connection() holds Kysely's single SQLite connection for the whole callback, so no other
  // query of this process slips into the transaction.
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => {
        // SQLite has already rolled back on some errors (SQLITE_FULL, I/O errors); the
        // original error is the one worth reporting.
      });
      throw error;
    }
  });
}
