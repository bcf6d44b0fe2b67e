/**
 * Errors crossing from the SQLite writer thread to the main thread. Structured cloning keeps
 * only an error's message (and the name of a built-in type), so a failed append would arrive
 * without the `code` callers classify it by (SQLITE_BUSY is worth a retry, SQLITE_CONSTRAINT_*
 * is not): the thread sends these fields instead, and the main thread rebuilds the error.
 */
import BetterSqlite3 from 'better-sqlite3';

/** The fields of an error that survive the crossing. */
export interface ThreadError {
  readonly name: string;
  readonly message: string;
  readonly code?: string | undefined;
  readonly stack?: string | undefined;
}

/** `error` as plain data for `postMessage`. */
export function toThreadError(error: unknown): ThreadError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, code: typeof code === 'string' ? code : undefined, stack: error.stack };
}

/**
 * The error again, as the main thread's own SQLite would have thrown it: a better-sqlite3
 * `SqliteError` (same class, name and code) for SQLite's errors, an `Error` with the same name
 * (and code, if any) otherwise. The stack is the writer thread's: where the statement failed.
 */
export function fromThreadError(sent: ThreadError): Error {
  const error =
    sent.name === 'SqliteError' && sent.code !== undefined
      ? new BetterSqlite3.SqliteError(sent.message, sent.code)
      : Object.assign(new Error(sent.message), sent.code === undefined ? {} : { code: sent.code });
  error.name = sent.name;
  if (sent.stack !== undefined) error.stack = sent.stack;
  return error;
}
