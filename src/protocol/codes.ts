/**
 * Error and close codes of the wire contract, in one place. Each error code carries the HTTP
 * status it maps to; a test checks that every code here is documented in docs/protocol.md.
 */

export const ERROR_CODES = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  username_taken: 409,
  /** A new password zxcvbn scores below `PASSWORD_MIN_SCORE`; the message says why. */
  weak_password: 400,
  invalid_credentials: 401,
  token_reused: 401,
  rate_limited: 429,
  payload_too_large: 413,
  /** The user is in as many rooms as the server allows (`MAX_ROOMS_PER_USER`). */
  too_many_rooms: 403,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

/** WebSocket close codes. 1000-1015 are RFC 6455's; 4000-4999 are hubbub's own. */
export const CLOSE_CODES = {
  /** Normal closure (the client said goodbye, or the session ended by request). */
  normal: 1000,
  /** The server is shutting down or draining: reconnect (to another node) and resume. */
  goingAway: 1001,
  /** The client broke the WebSocket protocol (an unknown opcode, an unmasked frame, …). */
  protocolError: 1002,
  /** A text frame was not valid UTF-8 (the WebSocket library closes the connection). */
  invalidPayload: 1007,
  /** A frame was larger than the server accepts. */
  frameTooBig: 1009,
  /** The server failed while setting the session up (a database or presence failure during `hello`): reconnect. */
  serverError: 1011,
  /** No valid `hello` in time, or a bad token. */
  unauthorized: 4001,
  /** The user may not hold this connection (for example an account that no longer exists). */
  forbidden: 4003,
  /** A rate limit or policy was exceeded (too many connections, a flood of bad frames). */
  policy: 4008,
  /** The client did not read fast enough: its send buffer overflowed. */
  tooSlow: 4009,
  /** The access token expired and was not renewed with `auth`. */
  tokenExpired: 4010,
} as const;
