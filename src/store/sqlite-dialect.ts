/** Opening a SQLite database (better-sqlite3) as the store's Kysely instance. */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { Database } from './schema.js';
import { configureSqlite, type SqliteSync } from './sqlite-pragmas.js';

/** True for names SQLite opens without a file: `:memory:`, `''` (temporary) and `file:` URIs. */
export function isFileless(filename: string): boolean {
  return filename === ':memory:' || filename === '' || filename.startsWith('file:');
}

/**
 * Opens (creating it and its folder when missing) a SQLite database for the store. One
 * connection: better-sqlite3 is synchronous and SQLite has one writer anyway.
 */
export function createSqliteDatabase(filename: string): Kysely<Database> {
  // This connection writes users, rooms, memberships and read positions; they reach the disk
  // with the writer thread's next synced commit (one WAL), so they skip a sync of their own,
  // which here would stall the event loop.
  return sqliteKysely(openSqliteConnection(filename, 'normal'));
}

/**
 * One better-sqlite3 connection with the store's settings (`configureSqlite`), creating the
 * file and its folder when missing. Both the main thread and the writer thread open theirs here.
 */
export function openSqliteConnection(filename: string, sync: SqliteSync): BetterSqlite3.Database {
  if (!isFileless(filename)) createPrivately(filename);
  const database = new BetterSqlite3(filename);
  try {
    configureSqlite(database, sync);
  } catch (error) {
    database.close();
    throw error;
  }
  return database;
}

/**
 * Creates the database file (mode 0600) and the folders leading to it (0700) when missing, so
 * that other local users cannot read the password hashes in it. SQLite would create the file
 * 0644; it gives the -wal and -shm files it creates later the database file's mode. An existing
 * file or folder keeps the mode its operator gave it.
 */
function createPrivately(filename: string): void {
  mkdirSync(dirname(resolve(filename)), { recursive: true, mode: 0o700 });
  // 'a': create if missing, never truncate.
  closeSync(openSync(filename, 'a', 0o600));
}

/** The store's Kysely instance on an open connection, which it owns (`destroy()` closes it). */
export function sqliteKysely(database: BetterSqlite3.Database): Kysely<Database> {
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}

/** Prepared statements kept per connection; past this, the oldest are dropped. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * The connection as Kysely sees it, with prepared statements reused by SQL text. Kysely
 * prepares every query anew, and compiling SQL is most of what a small query costs here (a
 * connect runs a dozen of them). better-sqlite3 statements are reusable as long as they are
 * not iterated concurrently, and Kysely runs each to completion with `all()` or `run()`.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
