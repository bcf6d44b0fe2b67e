/**
 * What the terminal client says when something goes wrong: a sentence a person understands,
 * built from the error's code and what the user was doing, never the raw code, a JSON body or a
 * stack. An error code the client does not know falls back to the server's own message.
 */
import type { ErrorCode } from '../protocol/codes.js';
import { HubbubError } from '../client/errors.js';
import { oneLine } from './terminal-text.js';

/** What the user was doing when the error came, for the wording. */
export interface ErrorContext {
  /** The action as the end of "You are not allowed to …": `join #secret`, `send to #lobby`. */
  readonly action?: string;
  /** The room the action was about, as shown to the user (`#lobby`, `@bob`). */
  readonly room?: string;
  /** The user the action was about (a direct message's recipient). */
  readonly user?: string;
}

type Wording = (error: HubbubError, context: ErrorContext) => string;

const waitFor = (error: HubbubError): string =>
  error.retryAfter !== undefined && error.retryAfter > 0 ? `wait ${Math.ceil(error.retryAfter)} s` : 'wait a moment';

/**
 * One wording per error code of the protocol (the type makes a new code a compile error here
 * until it has its sentence), plus the SDK's own `timeout` and `closed`.
 */
const WORDING: Record<ErrorCode | 'timeout' | 'closed', Wording> = {
  invalid_request: (error, { action }) => `The server refused ${action === undefined ? 'that' : `to ${action}`}: ${oneLine(error.message)}`,
  unauthorized: () => 'Your sign-in has expired or was revoked: quit and run hubbub chat again',
  forbidden: (error, { action, room }) => {
    const what = action ?? 'do that';
    // The server's reason matters here (private room, direct conversation): it is one short clause.
    if (room !== undefined && /private/.test(error.message)) return `You are not allowed to ${what}: it is private, a member must invite you`;
    return `You are not allowed to ${what}`;
  },
  not_found: (error, { room, user }) => {
    if (user !== undefined && /user/.test(error.message)) return `No user ${user}`;
    if (room !== undefined) return `No room ${room}`;
    if (user !== undefined) return `No user ${user}`;
    return `Not found: ${oneLine(error.message)}`;
  },
  conflict: (_error, { room }) => (room === undefined ? 'That already exists' : `${room} already exists`),
  username_taken: () => 'That username is taken',
  weak_password: (error) => `That password is too easy to guess: ${oneLine(error.message)}`,
  invalid_credentials: () => 'Wrong username or password',
  token_reused: () => 'Your sign-in was revoked (a used token came back): quit and run hubbub chat again',
  rate_limited: (error) => `Sending too fast; ${waitFor(error)} and try again`,
  payload_too_large: () => 'That is too large for the server',
  too_many_rooms: () => 'You are in as many rooms as this server allows: /leave one first',
  unavailable: () => 'The server cannot take that right now (its database is busy); try again in a moment',
  internal: () => 'The server failed (its log has the details); try again, or tell its operator if it keeps happening',
  timeout: () => 'No answer from the server in time; try again',
  closed: () => 'Not connected right now; try again once reconnected',
};

const hasWording = (code: string): code is keyof typeof WORDING => Object.hasOwn(WORDING, code);

/** The sentence for `error` (a HubbubError, a network failure, anything thrown). */
export function describeError(error: unknown, context: ErrorContext = {}): string {
  if (error instanceof HubbubError) {
    if (hasWording(error.code)) return WORDING[error.code](error, context);
    // A code newer than this client: the server's message is the best there is.
    return error.message === '' ? 'The server refused that' : capitalise(oneLine(error.message));
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return 'Cannot reach the server; try again once it is back';
  // A body that is not JSON: a proxy's error page rather than hubbub's answer.
  if (error instanceof SyntaxError) return 'The server answered with something that is not hubbub (a proxy error page?); try again';
  // Only the first line of anything else: never a stack.
  return capitalise(oneLine(error instanceof Error ? error.message : String(error)));
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
