/**
 * Telling a batch refused for a message's content from a database that failed: the first is a
 * `ContentRefusedError`, which group commit answers by isolating the message at fault.
 */
import { ContentRefusedError } from '../core/store.js';
import { isMysqlContentError } from './mysql-errors.js';

/**
 * PostgreSQL SQLSTATE classes about the data itself: 22 data exception (a NUL or an invalid
 * byte sequence in text, a value out of range), 23 integrity constraint violation, 54 program
 * limit exceeded (a value too large for an index).
 */
const POSTGRES_CONTENT_CLASSES = new Set(['22', '23', '54']);

/** SQLite result codes about the data itself (extended codes start with these). */
const SQLITE_CONTENT_CODES = ['SQLITE_CONSTRAINT', 'SQLITE_MISMATCH', 'SQLITE_TOOBIG', 'SQLITE_RANGE'];

/** Whether a database error is about the content of what was written. */
export function isContentError(error: unknown): boolean {
  if (isMysqlContentError(error)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (/^[0-9A-Z]{5}$/.test(code)) return POSTGRES_CONTENT_CLASSES.has(code.slice(0, 2));
  return SQLITE_CONTENT_CODES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`));
}

/** Rethrows `error`, as a `ContentRefusedError` when it is about the content. */
export function rethrowAppendError(error: unknown): never {
  if (isContentError(error)) {
    throw new ContentRefusedError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  throw error;
}
