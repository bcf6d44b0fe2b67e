/**
 * Who is online. A user is online while at least one of their connections is open on any node;
 * going offline is announced only after a grace period, so a reload does not flap.
 */

export interface PresenceHandler {
  /** A user's status changed (once per change, on one node). */
  onPresenceChange(userId: number, status: 'online' | 'offline'): void;
}

export interface Presence {
  setHandler(handler: PresenceHandler): void;
  /** A connection of the user opened. */
  connect(userId: number, sessionId: string): Promise<void>;
  /** A connection of the user closed. */
  disconnect(userId: number, sessionId: string): Promise<void>;
  /** The subset of `userIds` online now. */
  online(userIds: readonly number[]): Promise<Set<number>>;
  /** Open connections of a user, across nodes (for the per-user connection limit). */
  connectionCount(userId: number): Promise<number>;
  close(): Promise<void>;
}
