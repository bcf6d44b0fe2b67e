/** A `RateLimiter` kept in this process's memory (rate-limiter-flexible's `RateLimiterMemory`). */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { unlimited, type RateLimitDecision, type RateLimiter } from '../core/rate-limiter.js';

/** How many attempts a key may make per window. */
export interface MemoryRateLimiterOptions {
  /** Attempts per window; 0 turns limiting off. */
  readonly points: number;
  readonly durationSeconds: number;
}

/** A fixed-window limiter in memory: right for one node, per-node for several. */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions): RateLimiter {
  if (options.points <= 0) return unlimited;
  const limiter = new RateLimiterMemory({ points: options.points, duration: options.durationSeconds });
  return {
    async consume(key: string): Promise<RateLimitDecision> {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (error) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the budget is spent.
        if (error instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
        }
        throw error;
      }
    },
  };
}
