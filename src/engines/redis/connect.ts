/**
 * Creates the ioredis clients the Redis engines expect: reconnecting forever with a backoff
 * capped at 2 s, named (`CLIENT LIST` shows which node and role), failing fast while
 * disconnected (the engines have a plan for that), and logging connection trouble instead of
 * crashing the process with an unhandled `error` event.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../../core/logger.js';

/**
 * What the connection is for:
 * - `commands` (presence, rate limits): no offline queue, a command timeout;
 * - `publisher` (the broker's `SPUBLISH`): the same;
 * - `subscriber` (the broker's subscriptions): no automatic resubscription nor resending of
 *   unanswered commands, since the broker subscribes again itself, in order, and then reports
 *   the reconnect.
 */
export type RedisRole = 'commands' | 'publisher' | 'subscriber';

export interface ConnectRedisOptions {
  /** The connection's name in `CLIENT LIST`, e.g. `hubbub:<node>:pub`. */
  readonly name: string;
  readonly role?: RedisRole | undefined;
  /**
   * Do not connect before `await client.connect()` (which rejects if Redis is unreachable: a
   * way to fail at start-up). Commands sent before then fail (the offline queue is off except
   * for `subscriber`, and the broker sends nothing on a connection that is not ready).
   */
  readonly lazy?: boolean | undefined;
  readonly logger?: Logger | undefined;
  /** Longest wait for a reply (not for `subscriber`); default 2000 ms. */
  readonly commandTimeoutMs?: number | undefined;
}

/** Reconnect delay after `attempt` failures: 50 ms doubling up to 2 s, plus up to 10% jitter. */
export function redisRetryDelay(attempt: number): number {
  const base = Math.min(50 * 2 ** Math.max(0, attempt - 1), 2000);
  return Math.round(base + Math.random() * base * 0.1);
}

/** A configured ioredis client for `url` (`redis://[user:pass@]host:port[/db]`, `rediss://` for TLS). */
export function connectRedis(url: string, options: ConnectRedisOptions): Redis {
  const role = options.role ?? 'commands';
  const subscriber = role === 'subscriber';
  const client = new Redis(url, {
    connectionName: options.name,
    lazyConnect: options.lazy ?? false,
    retryStrategy: redisRetryDelay,
    // A command in flight when the connection drops fails at once (callers fall back, the
    // engines resync), rather than being sent again later, out of order with newer ones.
    maxRetriesPerRequest: subscriber ? 1 : 0,
    enableOfflineQueue: subscriber,
    ...(subscriber ? {} : { commandTimeout: options.commandTimeoutMs ?? 2000 }),
    autoResubscribe: !subscriber,
    autoResendUnfulfilledCommands: !subscriber,
    connectTimeout: 5000,
  });
  watchConnection(client, options.name, options.logger);
  return client;
}

/**
 * Logs a client's connection trouble: the first error of an outage as a warning, the retries at
 * debug level, the recovery as info. Having an `error` listener is what keeps an unreachable
 * Redis from crashing the process.
 */
function watchConnection(client: Redis, name: string, logger: Logger | undefined): void {
  let failing = false;
  client.on('error', (error: Error) => {
    if (!failing) logger?.warn({ redis: name, err: error.message }, 'redis connection error');
    else logger?.debug({ redis: name, err: error.message }, 'redis still unreachable');
    failing = true;
  });
  client.on('ready', () => {
    if (failing) logger?.info({ redis: name }, 'redis connection restored');
    failing = false;
  });
}
