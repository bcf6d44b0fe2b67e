/** What a `HubbubClient` reports: its connection state and the protocol's events, typed. */
import type {
  ErrorEvent,
  MemberEvent,
  MessageEvent,
  PresenceEvent,
  ReceiptEvent,
  TypingEvent,
  WelcomeEvent,
} from '../protocol/events.js';
import type { SendPacing, SendUpdate } from './send-queue.js';
import type { Credentials } from './token-keeper.js';

/**
 * The connection, as a user should see it:
 * - `connecting`: an attempt is under way (`attempt` 0 is the first since the last success);
 * - `open`: welcomed; commands and live events flow;
 * - `reconnecting`: the last attempt failed or the connection dropped; the next attempt is in
 *   `delayMs` (at `retryAt`, ms since the epoch);
 * - `offline`: not trying: the device reports no network (a browser's `offline` event), or the
 *   client cannot go on without the user (`fatal`: the login was refused or revoked);
 * - `closed`: `close()` was called.
 */
export type ConnectionState =
  | { readonly status: 'idle' }
  | { readonly status: 'connecting'; readonly attempt: number; readonly url: string }
  | { readonly status: 'open'; readonly url: string; readonly sessionId: string }
  | {
      readonly status: 'reconnecting';
      readonly attempt: number;
      readonly delayMs: number;
      readonly retryAt: number;
      readonly reason: string;
    }
  | { readonly status: 'offline'; readonly reason: string; readonly fatal: boolean }
  | { readonly status: 'closed' };

export type ConnectionStatus = ConnectionState['status'];

/** Every event a `HubbubClient` emits, by name. */
export interface ClientEvents {
  state: ConnectionState;
  /** Each successful connection's `welcome` (rooms, unread counts, who is online). */
  welcome: WelcomeEvent;
  /** A message, exactly once: replays and live messages at or below the room's position are dropped. */
  message: MessageEvent;
  member: MemberEvent;
  presence: PresenceEvent;
  typing: TypingEvent;
  receipt: ReceiptEvent;
  /** A server error that answers no command of the client's. */
  error: ErrorEvent;
  /** An outgoing message changed status (pending → sent, or failed). */
  send: SendUpdate;
  /**
   * The conversations the server's rate limit holds changed: every one held now (empty: none),
   * each with the time its next message goes out. For a "sending too fast" notice.
   */
  pacing: readonly SendPacing[];
  /** The credentials were renewed: store the new refresh token (it rotates). */
  tokens: Credentials;
  /** The login is gone (refresh refused or revoked): the user must sign in again. */
  authFailed: { readonly error: Error };
}
