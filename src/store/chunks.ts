/** Splitting a list for statements that take a bounded number of bound parameters. */

/**
 * The most bound parameters one statement may carry: SQLite's SQLITE_MAX_VARIABLE_NUMBER
 * (32766 since 3.32) and PostgreSQL's wire-protocol limit (a 16-bit count).
 */
export const MAX_PARAMETERS = { sqlite: 32766, postgres: 65535 } as const;

/** `items` in consecutive slices of at most `size` (at least 1). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size));
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += step) out.push(items.slice(start, start + step));
  return out;
}
