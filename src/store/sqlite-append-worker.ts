/**
 * The SQLite message writer, run in a worker thread. better-sqlite3 is synchronous and every
 * commit syncs the WAL to disk (synchronous=FULL): on the main thread each group commit would
 * stop the event loop for the length of an fsync. Here the fsync happens beside it, and the
 * main thread keeps delivering while the next batch gathers.
 *
 * The thread runs `appendInTransaction` of `message-append.ts`, the one append path of every
 * dialect, on its own connection (`sqlite-direct.ts`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AppendResult, NewMessage } from '../core/store.js';
import { directSqliteAppender } from './sqlite-direct.js';
import { openSqliteConnection, sqliteKysely } from './sqlite-dialect.js';
import type { SqliteSync } from './sqlite-pragmas.js';
import { toThreadError, type ThreadError } from './thread-errors.js';

/** A request from the main thread. */
export interface AppendRequest {
  readonly id: number;
  readonly batch: readonly NewMessage[];
}

/** The answer: results in batch order, or the error as `ThreadError`. */
export type AppendReply = { readonly id: number; readonly results: AppendResult[] } | { readonly id: number; readonly error: ThreadError };

const { filename, sync } = workerData as { filename: string; sync: SqliteSync };
const connection = openSqliteConnection(filename, sync);
// The writer checkpoints the WAL itself (a checkpoint elsewhere cannot keep up with a writer
// that commits every millisecond: the WAL would only grow), little and often: a checkpoint
// stalls the commits behind it, and 200 pages take a few milliseconds where SQLite's default
// 1000 took a few hundred.
connection.pragma('wal_autocheckpoint = 200');
const db = sqliteKysely(connection);
const append = directSqliteAppender(connection, db);

// Connection configured: the store may hand out work.
parentPort!.postMessage({ ready: true });

parentPort!.on('message', (request: AppendRequest | { close: true }) => {
  if ('close' in request) {
    // The main thread sends this once no batch is in flight.
    void db.destroy().finally(() => parentPort!.close());
    return;
  }
  append(request.batch).then(
    (results) => parentPort!.postMessage({ id: request.id, results } satisfies AppendReply),
    (error: unknown) => parentPort!.postMessage({ id: request.id, error: toThreadError(error) } satisfies AppendReply),
  );
});
