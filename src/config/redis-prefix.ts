/**
 * The Redis key prefix as configuration sees it: what a valid `REDIS_PREFIX` looks like and the
 * default derived from `REDIS_URL` (what the prefix namespaces: engines/redis/key-prefix.ts).
 */

/**
 * Letters, digits and `_.:-`, at most 64: a prefix goes into channel and key names unquoted and
 * inside presence's `{…}` hash tag, so it may not hold braces, spaces or newlines.
 */
export const KEY_PREFIX_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The database number a `redis://` URL selects, read as ioredis reads it: the path (`/7`), else
 * the `db` query parameter, else 0. Undefined when the URL names a database that is not a number.
 */
export function redisDatabase(url: string): number | undefined {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/^\//, '');
  const given = path !== '' ? path : parsed.searchParams.get('db');
  if (given === null) return 0;
  return /^\d{1,9}$/.test(given) ? Number(given) : undefined;
}

/**
 * The prefix when none is configured: `hubbub:<db>:`, so that deployments on different database
 * numbers of one Redis server are apart without any setting.
 */
export function defaultKeyPrefix(redisUrl: string | undefined): string {
  const database = redisUrl === undefined ? 0 : redisDatabase(redisUrl);
  if (database === undefined) throw new RangeError('the Redis URL names a database that is not a number');
  return `hubbub:${database}:`;
}
