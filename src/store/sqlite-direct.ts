/**
 * The append path on one SQLite connection without Kysely's executor: statements are still
 * built by Kysely (once per shape, `QueryTemplates`) and the numbering is `appendInTransaction`'s,
 * but each runs straight on a cached better-sqlite3 statement, inside a BEGIN IMMEDIATE … COMMIT
 * of its own. The SQLite writer thread uses it: Kysely's executor (connection provider, mutex,
 * plugins, a compiled BEGIN and COMMIT per batch) cost it more per batch than SQLite's own work
 * bar the fsync.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery, Kysely } from 'kysely';
import type { AppendResult, NewMessage } from '../core/store.js';
import type { AppendStatements } from './append-statements.js';
import { appendInTransaction } from './message-append.js';
import type { Database } from './schema.js';
import { statementCache } from './sqlite-dialect.js';

/** Appends batches on `connection`, building statements with `build` (a Kysely of the same dialect). */
export function directSqliteAppender(connection: BetterSqlite3.Database, build: Kysely<Database>): (batch: readonly NewMessage[]) => Promise<AppendResult[]> {
  const prepare = statementCache(connection);
  const begin = connection.prepare('BEGIN IMMEDIATE');
  const commit = connection.prepare('COMMIT');
  const rollback = connection.prepare('ROLLBACK');
  const statements: AppendStatements = {
    build,
    run<R>(query: CompiledQuery<R>): Promise<readonly R[]> {
      const statement = prepare(query.sql);
      if (statement.reader) return Promise.resolve(statement.all(query.parameters) as R[]);
      statement.run(query.parameters);
      return Promise.resolve([]);
    },
  };
  return async (batch) => {
    if (batch.length === 0) return [];
    // IMMEDIATE: the write lock before the first read, as `writeTransaction` takes it.
    begin.run();
    try {
      const results = await appendInTransaction(statements, 'sqlite', batch);
      commit.run();
      return results;
    } catch (error) {
      // SQLite has already rolled back on some errors (SQLITE_FULL, I/O errors).
      if (connection.inTransaction) rollback.run();
      throw error;
    }
  };
}
