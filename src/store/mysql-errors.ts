/** Telling MySQL and MariaDB errors apart by what the store should do about them. */

/** ER_DUP_ENTRY: an insert met a row with the same unique key. */
const DUPLICATE_KEY = 1062;
/** ER_LOCK_DEADLOCK (the transaction was rolled back) and ER_LOCK_WAIT_TIMEOUT (the statement was). */
const LOCK_CONFLICTS = new Set([1213, 1205]);
/**
 * Errors about the content of a value: ER_TRUNCATED_WRONG_VALUE_FOR_FIELD (text the column's
 * character set cannot hold), ER_DATA_TOO_LONG, ER_WARN_DATA_OUT_OF_RANGE. Their SQLSTATE is
 * not always of class 22 (the first is HY000), so they are listed by number.
 */
const CONTENT_ERRNOS = new Set([1366, 1406, 1264]);

/** The mysql2 error fields the store reads. */
interface MysqlError {
  readonly errno?: unknown;
  readonly sqlState?: unknown;
}

function fields(error: unknown): MysqlError {
  return typeof error === 'object' && error !== null ? (error as MysqlError) : {};
}

/** Whether `error` is MySQL's duplicate-key error. */
export function isDuplicateKey(error: unknown): boolean {
  return fields(error).errno === DUPLICATE_KEY;
}

/**
 * Whether `error` is a deadlock or a lock wait timeout: the work lost a race for a row lock
 * and may simply be run again (InnoDB rolls back the deadlock's victim whole).
 */
export function isLockConflict(error: unknown): boolean {
  const { errno } = fields(error);
  return typeof errno === 'number' && LOCK_CONFLICTS.has(errno);
}

/** Whether `error` is MySQL refusing a value for its content (class 22 or 23, or listed above). */
export function isMysqlContentError(error: unknown): boolean {
  const { errno, sqlState } = fields(error);
  if (typeof errno !== 'number' || typeof sqlState !== 'string') return false;
  return CONTENT_ERRNOS.has(errno) || sqlState.startsWith('22') || sqlState.startsWith('23');
}

/** How many times a unit of work is run again after losing a lock race before its error stands. */
const LOCK_CONFLICT_RETRIES = 5;

/**
 * Runs `work`, again (after a short, growing, random pause) when it lost a lock race, so that
 * a deadlock or a lock wait timeout never reaches the caller as a failure. `work` must be safe
 * to run again: one statement, or a whole transaction.
 */
export async function retryingLockConflicts<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isLockConflict(error) || attempt >= LOCK_CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));
    }
  }
}
