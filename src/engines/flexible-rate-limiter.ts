/** rate-limiter-flexible's limiters seen through the core's `RateLimiter` interface. */
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitDecision, RateLimiter } from '../core/rate-limiter.js';

/** Turns a limiter's rejection (a `RateLimiterRes` when the budget is spent) into a decision. */
export function fromFlexibleLimiter(limiter: RateLimiterAbstract): RateLimiter {
  return {
    async consume(key: string): Promise<RateLimitDecision> {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
        }
        throw error;
      }
    },
  };
}
