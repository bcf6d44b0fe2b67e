/** Opening the store named by a database URL: the one entry point the server needs. */
import type { Logger } from '../core/logger.js';
import { parseDatabaseUrl } from '../config/database-url.js';
import { createPostgresDatabase } from './postgres-dialect.js';
import { createSqliteDatabase, isFileless } from './sqlite-dialect.js';
import { SqlStore } from './sql-store.js';
import type { SqliteSync } from './sqlite-pragmas.js';

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /** Apply pending migrations before returning (default true). */
  readonly migrate?: boolean;
  /** PostgreSQL pool size (default 10); SQLite always has one connection. */
  readonly poolSize?: number;
  /** SQLite's sync level for message commits (default `full`). */
  readonly sqliteSync?: SqliteSync;
  /** Where to report failed pooled connections (PostgreSQL); ignored otherwise. */
  readonly logger?: Logger;
}

/**
 * Opens the SQLite or PostgreSQL store `databaseUrl` names (see `parseDatabaseUrl`) and, unless
 * `migrate` is false, brings its schema up to date. A failed migration closes the store and
 * rejects.
 */
export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<SqlStore> {
  const target = parseDatabaseUrl(databaseUrl);
  const store =
    target.dialect === 'sqlite'
      ? new SqlStore(createSqliteDatabase(target.filename), 'sqlite', {
          sqliteFile: isFileless(target.filename) ? undefined : target.filename,
          sqliteSync: options.sqliteSync,
        })
      : new SqlStore(
          createPostgresDatabase(target.connectionString, {
            poolSize: options.poolSize,
            // The error alone: pg attaches its client (with the connection settings) to it.
            onConnectionError: (error) =>
              options.logger?.warn({ error: error.message, code: (error as { code?: string }).code }, 'PostgreSQL connection failed'),
          }),
          'postgres',
        );
  if (options.migrate ?? true) {
    try {
      await store.migrate();
      await store.startWriter();
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}
