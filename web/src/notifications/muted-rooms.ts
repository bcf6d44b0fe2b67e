/**
 * The rooms and conversations the user muted: no sound, no desktop notification, a quiet unread
 * badge that the tab title and favicon do not count. Kept per user in localStorage (a list of
 * room keys) and followed across tabs through the `storage` event, as `hidden-conversations.ts`
 * does.
 */

export class MutedRooms {
  readonly #key: string;
  #muted: Set<string>;
  readonly #onStorage: (event: StorageEvent) => void;

  /** `onChange` runs when another tab mutes or unmutes a room. */
  constructor(username: string, onChange: () => void) {
    this.#key = `hubbub.muted.${username.toLowerCase()}`;
    this.#muted = this.#read();
    this.#onStorage = (event) => {
      if (event.key !== this.#key) return;
      this.#muted = this.#read();
      onChange();
    };
    window.addEventListener('storage', this.#onStorage);
  }

  isMuted(room: string): boolean {
    return this.#muted.has(room);
  }

  /** Mutes or unmutes `room`. */
  set(room: string, muted: boolean): void {
    if (muted === this.#muted.has(room)) return;
    if (muted) this.#muted.add(room);
    else this.#muted.delete(room);
    this.#write();
  }

  dispose(): void {
    window.removeEventListener('storage', this.#onStorage);
  }

  #read(): Set<string> {
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(this.#key) ?? '[]');
      return new Set(Array.isArray(parsed) ? parsed.filter((room): room is string => typeof room === 'string') : []);
    } catch {
      return new Set();
    }
  }

  #write(): void {
    try {
      if (this.#muted.size === 0) localStorage.removeItem(this.#key);
      else localStorage.setItem(this.#key, JSON.stringify([...this.#muted].sort()));
    } catch {
      // Storage full or refused (private mode): the mute lasts for this page only.
    }
  }
}
