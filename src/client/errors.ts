/** An error answered by the server: the contract's code and message. */
export class HubbubError extends Error {
  readonly code: string;
  /** HTTP status, for errors from the HTTP API. */
  readonly status: number | undefined;

  constructor(code: string, message: string, status?: number) {
    super(message);
    this.name = 'HubbubError';
    this.code = code;
    this.status = status;
  }
}
