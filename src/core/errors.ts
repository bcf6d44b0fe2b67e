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

export function isHubError(error: unknown): error is HubError {
  return error instanceof HubError;
}
