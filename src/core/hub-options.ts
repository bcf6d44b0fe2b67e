/** The hub's tunables, with the defaults the server starts from (see config/settings.ts). */

export interface HubOptions {
  /** Per-connection outbound limit (queued + unsent bytes) before a 4009 close. */
  readonly sendBufferBytes: number;
  /** Coalescing window for outbound frames; 0 writes on the next turn of the event loop. */
  readonly batchWindowMs: number;
  /** Time allowed for the first frame (`hello`). */
  readonly helloTimeoutMs: number;
  readonly maxConnectionsPerUser: number;
  readonly maxTextLength: number;
  /** At most one typing event relayed per user and room in this interval, whatever its value. */
  readonly typingThrottleMs: number;
  /** At most one receipt broadcast per user and room in this interval (the latest wins). */
  readonly receiptThrottleMs: number;
  /** Messages per store read while replaying a gap. */
  readonly replayPageSize: number;
  /**
   * How long a replay waits for the client to read a page before it gives up on the client
   * (4009): a resuming client that stops reading is cut off, not waited for.
   */
  readonly drainTimeoutMs: number;
  /** Unanswered commands one connection may have before further ones are refused. */
  readonly maxInFlight: number;
  /** Most messages per group-commit transaction. */
  readonly maxCommitBatch: number;
  /** Group-commit transactions in flight at once. */
  readonly commitConcurrency: number;
  /**
   * Presence is told only through rooms of at most this many members (`welcome.online`,
   * presence changes, the statuses a new member learns): in bigger rooms it would cost
   * O(members²) frames in a reconnect storm. The members list answers for those.
   */
  readonly presenceRoomSize: number;
  /** At most one availability broadcast per user in this interval (the latest wins). */
  readonly statusThrottleMs: number;
  /** How long last-seen times gather before they are written together. */
  readonly lastSeenFlushMs: number;
}

export const defaultHubOptions: HubOptions = {
  sendBufferBytes: 1024 * 1024,
  batchWindowMs: 0,
  helloTimeoutMs: 10_000,
  maxConnectionsPerUser: 20,
  maxTextLength: 4000,
  typingThrottleMs: 1000,
  receiptThrottleMs: 1000,
  replayPageSize: 500,
  drainTimeoutMs: 30_000,
  maxInFlight: 256,
  maxCommitBatch: 2000,
  commitConcurrency: 4,
  presenceRoomSize: 100,
  statusThrottleMs: 1000,
  lastSeenFlushMs: 1000,
};
