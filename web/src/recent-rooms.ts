/**
 * The rooms and conversations the user opened last, most recent first: the quick switcher lists
 * them first when nothing is typed. Kept per user in localStorage (`hubbub.recent.<user>`), so
 * the list survives a reload; a short list, as only the last few help.
 */

/** How many rooms the list keeps. */
export const RECENT_LIMIT = 8;

/** The most-recently-opened rooms of one user. */
export class RecentRooms {
  readonly #key: string;
  readonly #limit: number;
  #rooms: string[];

  constructor(username: string, limit = RECENT_LIMIT) {
    this.#key = `hubbub.recent.${username.toLowerCase()}`;
    this.#limit = limit;
    this.#rooms = this.#read();
  }

  /** Room keys, most recently opened first. */
  list(): readonly string[] {
    return this.#rooms;
  }

  /** `room` was opened: it moves to the front. */
  note(room: string): void {
    if (this.#rooms[0] === room) return;
    this.#rooms = [room, ...this.#rooms.filter((r) => r !== room)].slice(0, this.#limit);
    try {
      localStorage.setItem(this.#key, JSON.stringify(this.#rooms));
    } catch {
      // Storage full or refused (private mode): the list lives in memory for this visit.
    }
  }

  #read(): string[] {
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(this.#key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((r): r is string => typeof r === 'string').slice(0, this.#limit) : [];
    } catch {
      return [];
    }
  }
}
