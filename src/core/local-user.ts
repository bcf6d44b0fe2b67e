/**
 * A user with at least one session on this node. Membership is per user, so room channels hold
 * users and every session of a user receives the events of all the user's rooms.
 */
import type { Session, SessionUser } from './session.js';

export class LocalUser implements SessionUser {
  readonly id: number;
  readonly username: string;
  readonly sessions = new Set<Session>();
  /** The user's rooms: key → room id. Kept in step with the store by membership changes. */
  readonly rooms = new Map<string, number>();
  /**
   * Joins heard from another node and being checked against the store, by room. A leave that
   * arrives meanwhile removes the entry, so the check's (older) answer cannot follow the room.
   */
  readonly checkingJoins = new Map<string, symbol>();
  /** Resolves once the user's rooms are loaded and followed on this node. */
  loaded: Promise<void> = Promise.resolve();

  constructor(id: number, username: string) {
    this.id = id;
    this.username = username;
  }

  /** The user's sessions that are welcomed and open. */
  *openSessions(): Iterable<Session> {
    for (const session of this.sessions) if (session.state === 'open') yield session;
  }
}
