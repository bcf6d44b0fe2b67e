/**
 * Rate limiting for HTTP routes. The limiter interface and the refusal live in the core
 * (`core/rate-limiter.ts`: memory on one node, Redis for a cluster; `RateLimitedError`, which
 * the error handler turns into 429 with `Retry-After`); this adds the route hook.
 */
import type { preHandlerAsyncHookHandler } from 'fastify';
import { RateLimitedError } from '../core/errors.js';
import type { RateLimiter } from '../core/rate-limiter.js';
import { requireUser } from './authenticate.js';

export { RateLimitedError } from '../core/errors.js';
export { unlimited, type RateLimitDecision, type RateLimiter } from '../core/rate-limiter.js';

/**
 * A `preHandler` that counts the request against `limiter` under the signed-in user's id (the
 * same counter as the user's WebSocket commands of that class), refusing with 429 past it.
 */
export function limitPerUser(limiter: RateLimiter, what: string): preHandlerAsyncHookHandler {
  return async (request) => {
    const user = await requireUser(request);
    const decision = await limiter.consume(String(user.id));
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds, `too many ${what}; retry in ${decision.retryAfterSeconds} s`);
  };
}
