/** Opening a SQLite database (better-sqlite3) as the store's Kysely instance. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';

/** True for names SQLite opens without a file: `:memory:`, `''` (temporary) and `file:` URIs. */
function isFileless(filename: string): boolean {
  return filename === ':memory:' || filename === '' || filename.startsWith('file:');
}

/**
 * Opens (creating it and its folder when missing) a SQLite database for the store. One
 * connection: better-sqlite3 is synchronous and SQLite has one writer anyway.
 */
export function createSqliteDatabase(filename: string): Kysely<Database> {
  if (!isFileless(filename)) mkdirSync(dirname(resolve(filename)), { recursive: true });
  const database = new BetterSqlite3(filename);
  try {
    // WAL lets readers in other processes carry on while a batch is written.
    database.pragma('journal_mode = WAL');
    // FULL syncs the WAL on every commit: an ack means the message is on disk. Group commit
    // (one transaction per batch) is what pays for the fsync.
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    // Another process holding the write lock makes us wait up to 5 s rather than fail at once.
    database.pragma('busy_timeout = 5000');
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}
