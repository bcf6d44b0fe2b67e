/** Opening the store named by a database URL: the one entry point the server needs. */
import type { Logger } from '../core/logger.js';
import { parseDatabaseUrl } from '../config/database-url.js';
import { createPostgresDatabase } from './postgres-dialect.js';
import { checkMysqlServer, createMysqlDatabase } from './mysql-dialect.js';
import { schemaDialect } from './migrations/schema-dialect.js';
import { createSqliteDatabase, isFileless } from './sqlite-dialect.js';
import { SqlStore } from './sql-store.js';
import type { SqliteSync } from './sqlite-pragmas.js';

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /** Apply pending migrations before returning (default true). */
  readonly migrate?: boolean;
  /** PostgreSQL and MySQL pool size (default 10); SQLite always has one connection. */
  readonly poolSize?: number;
  /** SQLite's sync level for message commits (default `full`). */
  readonly sqliteSync?: SqliteSync;
  /** Where to report failed pooled connections (PostgreSQL, MySQL); ignored otherwise. */
  readonly logger?: Logger;
}

/**
 * Opens the SQLite, PostgreSQL or MySQL store `databaseUrl` names (see `parseDatabaseUrl`)
 * and, unless `migrate` is false, brings its schema up to date. A MySQL server is checked
 * first (see `checkMysqlServer`). A failed check or migration closes the store and rejects.
 */
export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<SqlStore> {
  const target = parseDatabaseUrl(databaseUrl);
  // The error alone: the drivers attach their client (with the connection settings) to it.
  const onConnectionError = (name: string) => (error: Error) =>
    options.logger?.warn({ error: error.message, code: (error as { code?: string }).code }, `${name} connection failed`);
  let store: SqlStore;
  if (target.dialect === 'sqlite') {
    store = new SqlStore(createSqliteDatabase(target.filename), 'sqlite', {
      sqliteFile: isFileless(target.filename) ? undefined : target.filename,
      sqliteSync: options.sqliteSync,
    });
  } else if (target.dialect === 'postgres') {
    const db = createPostgresDatabase(target.connectionString, { poolSize: options.poolSize, onConnectionError: onConnectionError('PostgreSQL') });
    store = new SqlStore(db, 'postgres');
  } else {
    const db = createMysqlDatabase(target.connectionString, { poolSize: options.poolSize, onConnectionError: onConnectionError('MySQL') });
    try {
      const server = await checkMysqlServer(db);
      store = new SqlStore(db, 'mysql', { schema: schemaDialect('mysql', server.collation) });
    } catch (error) {
      await db.destroy();
      throw error;
    }
  }
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
