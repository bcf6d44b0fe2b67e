/** The settings every SQLite connection of the store runs with. */
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteSync = 'full' | 'normal';

export function configureSqlite(database: BetterSqlite3.Database, sync: SqliteSync = 'full'): void {
  // WAL lets readers carry on while a batch is written (the writer is another connection).
  database.pragma('journal_mode = WAL');
  // FULL syncs the WAL on every commit: an ack means the message is on disk. Group commit
  // (one transaction per batch) is what pays for the fsync, in the writer thread. NORMAL (an
  // operator's choice) syncs at checkpoints only: safe from a process crash, not a power loss.
  database.pragma(`synchronous = ${sync === 'normal' ? 'NORMAL' : 'FULL'}`);
  database.pragma('foreign_keys = ON');
  // A statement that writes several rows (a batch's multi-row INSERT) keeps a statement
  // journal to undo itself on error; in a temporary file, as SQLite does by default, that
  // cost more than the rows themselves (measured: a 25-row insert took 2.5 times as long as
  // 25 single-row ones). Temporary tables and sorts are small here.
  database.pragma('temp_store = MEMORY');
  // Another connection holding the write lock makes us wait up to 5 s rather than fail at once.
  database.pragma('busy_timeout = 5000');
}
