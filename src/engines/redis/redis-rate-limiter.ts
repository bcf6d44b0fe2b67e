/**
 * A `RateLimiter` kept in Redis (rate-limiter-flexible's `RateLimiterRedis`), so a limit holds
 * across every node. It fails open: while Redis is not ready or a command fails, an in-memory
 * insurance limiter with the same limit answers instead (the limit then holds per node), so a
 * Redis outage does not stop chat.
 */
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { unlimited, type RateLimiter } from '../../core/rate-limiter.js';
import { fromFlexibleLimiter } from '../flexible-rate-limiter.js';

/**
 * What rate-limiter-flexible needs of an ioredis client: its connection status (checked before
 * each call) and `defineCommand`, with which it installs its Lua script on the client.
 */
export interface RedisLimiterClient {
  readonly status: string;
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

export interface RedisRateLimiterOptions {
  /** Attempts per window; 0 turns limiting off. */
  readonly points: number;
  readonly durationSeconds: number;
  /** Namespaces the keys (`<keyPrefix>:<key>`): one prefix per limit, shared by all nodes. */
  readonly keyPrefix: string;
}

/** A fixed-window limiter shared by all nodes through Redis, failing open to memory. */
export function createRedisRateLimiter(redis: RedisLimiterClient, options: RedisRateLimiterOptions): RateLimiter {
  if (options.points <= 0) return unlimited;
  const limit = { points: options.points, duration: options.durationSeconds, keyPrefix: options.keyPrefix };
  const limiter = new RateLimiterRedis({
    ...limit,
    storeClient: redis,
    // Do not queue behind a dead connection: answer from the insurance limiter at once.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory(limit),
  });
  return fromFlexibleLimiter(limiter);
}
