/** A keyed rate limit: memory on one node, Redis when limits must hold across nodes. */

/** The answer to one attempt. */
export type RateLimitDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Counts attempts per key (a user, an IP) and says whether one more is allowed. */
export interface RateLimiter {
  /** Records one attempt for `key`. */
  consume(key: string): Promise<RateLimitDecision>;
}

/** A limiter that allows everything (a configured limit of 0 means "off"). */
export const unlimited: RateLimiter = {
  consume: () => Promise.resolve({ allowed: true }),
};
