/**
 * Single-node presence: counts each user's open connections; the last one closing starts a grace
 * timer, and only its expiry (with no new connection meanwhile) announces "offline". An online
 * user's availability lives in their entry, so it goes with them when they go offline.
 */
import type { Presence, PresenceHandler } from '../../core/presence.js';
import { DEFAULT_AVAILABILITY, type Availability } from '../../protocol/availability.js';

interface UserEntry {
  readonly sessions: Set<string>;
  availability: Availability;
  /** Pending "offline" announcement while the user has no connection. */
  graceTimer: NodeJS.Timeout | undefined;
}

export class MemoryPresence implements Presence {
  readonly #graceMs: number;
  readonly #users = new Map<number, UserEntry>();
  #handler: PresenceHandler | undefined;

  constructor(options: { graceMs: number }) {
    this.#graceMs = options.graceMs;
  }

  setHandler(handler: PresenceHandler): void {
    this.#handler = handler;
  }

  connect(userId: number, sessionId: string, availability: Availability = DEFAULT_AVAILABILITY): Promise<void> {
    let entry = this.#users.get(userId);
    if (entry === undefined) {
      entry = { sessions: new Set(), availability, graceTimer: undefined };
      this.#users.set(userId, entry);
      entry.sessions.add(sessionId);
      this.#handler?.onPresenceChange(userId, 'online');
      return Promise.resolve();
    }
    if (entry.graceTimer !== undefined) {
      // Back within the grace period: the user never went offline as far as anyone knows.
      clearTimeout(entry.graceTimer);
      entry.graceTimer = undefined;
    }
    entry.sessions.add(sessionId);
    return Promise.resolve();
  }

  disconnect(userId: number, sessionId: string): Promise<void> {
    const entry = this.#users.get(userId);
    if (entry === undefined || !entry.sessions.delete(sessionId) || entry.sessions.size > 0) return Promise.resolve();
    const goOffline = (): void => {
      this.#users.delete(userId);
      this.#handler?.onPresenceChange(userId, 'offline');
    };
    if (this.#graceMs <= 0) goOffline();
    else {
      entry.graceTimer = setTimeout(goOffline, this.#graceMs);
      entry.graceTimer.unref();
    }
    return Promise.resolve();
  }

  setAvailability(userId: number, availability: Availability): Promise<void> {
    const entry = this.#users.get(userId);
    if (entry === undefined || entry.availability === availability) return Promise.resolve();
    entry.availability = availability;
    this.#handler?.onAvailabilityChange(userId, availability);
    return Promise.resolve();
  }

  statuses(userIds: readonly number[]): Promise<Map<number, Availability>> {
    const result = new Map<number, Availability>();
    for (const id of userIds) {
      const entry = this.#users.get(id);
      if (entry !== undefined) result.set(id, entry.availability);
    }
    return Promise.resolve(result);
  }

  online(userIds: readonly number[]): Promise<Set<number>> {
    return Promise.resolve(new Set(userIds.filter((id) => this.#users.has(id))));
  }

  connectionCount(userId: number): Promise<number> {
    return Promise.resolve(this.#users.get(userId)?.sessions.size ?? 0);
  }

  close(): Promise<void> {
    for (const entry of this.#users.values()) if (entry.graceTimer !== undefined) clearTimeout(entry.graceTimer);
    this.#users.clear();
    return Promise.resolve();
  }
}
