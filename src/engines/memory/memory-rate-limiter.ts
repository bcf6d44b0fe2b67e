/** A `RateLimiter` kept in this process's memory (rate-limiter-flexible's `RateLimiterMemory`). */
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { unlimited, type RateLimiter } from '../../core/rate-limiter.js';
import { fromFlexibleLimiter } from '../flexible-rate-limiter.js';

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
  return fromFlexibleLimiter(limiter);
}
