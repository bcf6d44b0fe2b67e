/** `listUsersByPrefix`: users by the start of their name, for autocompletion of usernames. */
import { sql } from 'kysely';
import type { Expression, Kysely } from 'kysely';
import type { SqlDialectName } from '../config/database-url.js';
import type { Database } from './schema.js';

/**
 * Users whose lower-cased name starts with `prefix` lower-cased, ordered by lower-cased name,
 * at most `limit`. The match is a range of `username_lower`, [prefix, successor of prefix),
 * walked on an index from its first key and stopped after `limit` rows; a range has no
 * wildcards, so `%`, `_` and `\` in the prefix are plain characters.
 *
 * The range and the order compare code points, as SQLite's BINARY and MySQL's binary NO PAD
 * collations of the unique key on `username_lower` do. PostgreSQL compares in the database's
 * collation, which may be a locale's (one that ignores `.`, `-` and `_` at first, so names
 * with a prefix would not lie in one range): there the query names the "C" collation, which
 * the index of migration 0005 is built in.
 */
export async function listUsersByPrefix(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  prefix: string,
  limit: number,
): Promise<{ id: number; username: string }[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`user search limit must be a positive integer, got ${limit}`);
  const low = prefix.toLowerCase();
  const name: Expression<string> = dialect === 'postgres' ? sql<string>`${sql.ref('username_lower')} collate "C"` : sql.ref<string>('username_lower');
  let select = db.selectFrom('users').select(['id', 'username']).where(name, '>=', low).orderBy(name).limit(limit);
  const end = successor(low);
  if (end !== undefined) select = select.where(name, '<', end);
  const rows = await select.execute();
  return rows.map((row) => ({ id: Number(row.id), username: row.username }));
}

/** The highest code point, and the first and last code points that UTF-8 cannot hold (surrogates). */
const MAX_CODE_POINT = 0x10ffff;
const SURROGATES_START = 0xd800;
const SURROGATES_END = 0xdfff;

/**
 * The least string, in code point order, greater than every string that starts with `prefix`:
 * `prefix` with its last code point raised by one (skipping the surrogates). Undefined when
 * there is none (an empty prefix, or one made only of U+10FFFF): the range is then open.
 */
export function successor(prefix: string): string | undefined {
  const points = [...prefix].map((char) => char.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last === MAX_CODE_POINT) continue;
    const next = last + 1 === SURROGATES_START ? SURROGATES_END + 1 : last + 1;
    return String.fromCodePoint(...points, next);
  }
  return undefined;
}
