/**
 * Reconnection delays: exponential backoff with full jitter (a random delay between 0 and
 * `min(maxMs, baseMs * 2^attempt)`), so that clients dropped together do not return together.
 */

export interface BackoffOptions {
  /** The ceiling of the first delay, in milliseconds. */
  readonly baseMs?: number;
  /** The largest ceiling, in milliseconds. */
  readonly maxMs?: number;
}

export const DEFAULT_BACKOFF = Object.freeze({ baseMs: 500, maxMs: 30_000 });

/** The delay before attempt number `attempt` (0 for the first retry); `random` returns [0, 1). */
export function fullJitterDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  // 2^attempt overflows to Infinity long after min() has capped it; clamp the exponent anyway.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
