/**
 * The namespace of everything hubbub keeps in Redis. Pub/sub channels ignore the database number
 * (`SELECT`), and a Redis Cluster has database 0 only, so deployments sharing a Redis server are
 * kept apart by this prefix, not by the database. Every channel and key begins with it:
 *
 *   <prefix><topic>          broker channels (sharded pub/sub): room:<key>, user:<id>, presence
 *   {<prefix>presence}:…     presence keys; the hash tag holds the prefix, so one deployment's
 *                            presence stays in one cluster slot (see `presence-scripts.ts`)
 *   <prefix>rl:<limit>:<key> rate-limit counters: rl:send, rl:history, rl:membership, rl:rooms
 *                            (per user), rl:auth (per IP)
 *
 * Two deployments are apart when neither prefix begins with the other (`hubbub:7:` and
 * `hubbub:8:` are; `chat:` and `chat:room:` are not).
 */

/**
 * Letters, digits and `_.:-`, at most 64: a prefix goes into channel and key names unquoted and
 * inside presence's `{…}` hash tag, so it may not hold braces, spaces or newlines.
 */
export const KEY_PREFIX_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The prefix, checked (a RangeError names what is wrong). */
export function checkKeyPrefix(prefix: string): string {
  if (!KEY_PREFIX_PATTERN.test(prefix)) {
    throw new RangeError(`invalid Redis key prefix ${JSON.stringify(prefix)} (expected ${String(KEY_PREFIX_PATTERN)})`);
  }
  return prefix;
}

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

/** A rate limit's key prefix (rate-limiter-flexible appends `:<key>`). */
export const rateLimitKeyPrefix = (prefix: string, limit: string): string => `${prefix}rl:${limit}`;
