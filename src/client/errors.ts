/** An error answered by the server: the contract's code and message. */
export class HubbubError extends Error {
  readonly code: string;
  /** HTTP status, for errors from the HTTP API. */
  readonly status: number | undefined;
  /** With `rate_limited`: seconds to wait before trying again, when the server said. */
  readonly retryAfter: number | undefined;

  constructor(code: string, message: string, status?: number, retryAfter?: number) {
    super(message);
    this.name = 'HubbubError';
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}
