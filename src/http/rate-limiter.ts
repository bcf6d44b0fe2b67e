/**
 * Rate limiting for HTTP routes. The limiter interface itself lives in the core
 * (`core/rate-limiter.ts`: memory here, Redis for a cluster); this adds the HTTP refusal.
 */
import { HubError } from '../core/errors.js';

export { unlimited, type RateLimitDecision, type RateLimiter } from '../core/rate-limiter.js';

/** A `rate_limited` refusal; the HTTP error handler turns `retryAfterSeconds` into `Retry-After`. */
export class RateLimitedError extends HubError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, message = `too many attempts; retry in ${retryAfterSeconds} s`) {
    super('rate_limited', message);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
