/** Splitting a list for statements that take a bounded number of bound parameters. */

/**
 * The most bound parameters one statement may carry: SQLite's SQLITE_MAX_VARIABLE_NUMBER
 * (32766 since 3.32), PostgreSQL's wire-protocol limit (a 16-bit count) and MySQL's limit of
 * a prepared statement's placeholders (the same count).
 */
export const MAX_PARAMETERS = { sqlite: 32766, postgres: 65535, mysql: 65535 } as const;

/** `items` in consecutive slices of at most `size` (at least 1). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const step = Math.max(1, Math.floor(size));
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += step) out.push(items.slice(start, start + step));
  return out;
}

/**
 * `items` in slices of at most `size` (rounded down to a power of two), each padded to a power
 * of two by repeating its last item. For statements where a repeated value changes nothing (an
 * IN list, a CASE over ids): the SQL text then takes a few shapes whatever the batch, so its
 * compiled template and prepared statement are found in their caches. With one shape per
 * length, batches of every size from 1 to a few hundred overflowed both caches and each
 * statement was built and prepared again.
 */
export function paddedChunks<T>(items: readonly T[], size: number): T[][] {
  const step = floorPowerOfTwo(size);
  return chunks(items, step).map((slice) => {
    const padded = slice.slice();
    const last = slice[slice.length - 1]!;
    for (let length = ceilPowerOfTwo(slice.length); padded.length < length; ) padded.push(last);
    return padded;
  });
}

/**
 * `items` in slices whose lengths are powers of two, largest first, none over `size`: 37 items
 * in slices of 32, 4 and 1. For statements where padding would change the result (a multi-row
 * INSERT): a few more statements, each of a shape seen before.
 */
export function powerOfTwoChunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  while (start < items.length) {
    const length = Math.min(floorPowerOfTwo(size), floorPowerOfTwo(items.length - start));
    out.push(items.slice(start, start + length));
    start += length;
  }
  return out;
}

function floorPowerOfTwo(n: number): number {
  return n < 1 ? 1 : 2 ** Math.floor(Math.log2(n));
}

function ceilPowerOfTwo(n: number): number {
  return n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n));
}
