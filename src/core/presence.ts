/**
 * Who is online, and with what availability. A user is online while at least one of their
 * connections is open on any node; going offline is announced only after a grace period, so a
 * reload does not flap. While online, a user carries the availability they chose (`active`,
 * `away`, `dnd`): the store keeps it durably, the presence engine holds it for the users online
 * now (seeded by `connect`, changed by `setAvailability`), so a status and its availability are
 * answered together, from every node.
 */
import type { Availability } from '../protocol/availability.js';

export interface PresenceHandler {
  /** A user's status changed (once per change, on one node). */
  onPresenceChange(userId: number, status: 'online' | 'offline'): void;
  /** An online user's availability changed (once per change, on the node that changed it). */
  onAvailabilityChange(userId: number, availability: Availability): void;
}

export interface Presence {
  setHandler(handler: PresenceHandler): void;
  /**
   * A connection of the user opened. `availability` is the user's stored choice: it becomes the
   * user's availability when the user was offline; an online user keeps the one they have (a
   * change made meanwhile on another device is newer than what this connection read).
   */
  connect(userId: number, sessionId: string, availability?: Availability): Promise<void>;
  /** A connection of the user closed. */
  disconnect(userId: number, sessionId: string): Promise<void>;
  /**
   * An online user chose an availability: announced (`onAvailabilityChange`) when it differs
   * from the one they had. Nothing happens for a user who is not online.
   */
  setAvailability(userId: number, availability: Availability): Promise<void>;
  /** The subset of `userIds` online now. */
  online(userIds: readonly number[]): Promise<Set<number>>;
  /** Those of `userIds` online now, with their availability. */
  statuses(userIds: readonly number[]): Promise<Map<number, Availability>>;
  /** Open connections of a user, across nodes (for the per-user connection limit). */
  connectionCount(userId: number): Promise<number>;
  close(): Promise<void>;
}
