/** The one error type the core throws for anything a client did wrong or cannot have. */
import type { ErrorCode } from '../protocol/codes.js';

/**
 * A failure with a contract error code. Transports turn it into `{type:"error"}` frames or
 * `{error:{code,message}}` bodies; anything else that escapes is an `internal` error.
 */
export class HubError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'HubError';
    this.code = code;
  }
}

/**
 * A `rate_limited` refusal that says when to try again: the socket's error frame carries it as
 * `retryAfter` (seconds), HTTP as a `Retry-After` header.
 */
export class RateLimitedError extends HubError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, message = `too many requests; retry in ${retryAfterSeconds} s`) {
    super('rate_limited', message);
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function isHubError(error: unknown): error is HubError {
  return error instanceof HubError;
}
