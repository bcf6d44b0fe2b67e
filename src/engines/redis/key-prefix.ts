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
import { KEY_PREFIX_PATTERN } from '../../config/redis-prefix.js';

/** The prefix, checked (a RangeError names what is wrong). */
export function checkKeyPrefix(prefix: string): string {
  if (!KEY_PREFIX_PATTERN.test(prefix)) {
    throw new RangeError(`invalid Redis key prefix ${JSON.stringify(prefix)} (expected ${String(KEY_PREFIX_PATTERN)})`);
  }
  return prefix;
}

/** A rate limit's key prefix (rate-limiter-flexible appends `:<key>`). */
export const rateLimitKeyPrefix = (prefix: string, limit: string): string => `${prefix}rl:${limit}`;
