/** Opening a SQLite database (better-sqlite3) as the store's Kysely instance. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { configureSqlite } from './sqlite-pragmas.js';

/** True for names SQLite opens without a file: `:memory:`, `''` (temporary) and `file:` URIs. */
export function isFileless(filename: string): boolean {
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
    configureSqlite(database);
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}
