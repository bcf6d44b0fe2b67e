/**
 * Direct conversations the user has hidden. A DM cannot be left (it always reaches both people),
 * so the sidebar hides it instead, until something new happens in it. Kept per user in
 * localStorage as `{room: lastSeq when hidden}`: a conversation whose last message is newer than
 * that comes back by itself, even if the message arrived while the app was closed. Other tabs
 * follow through the `storage` event.
 */

export class HiddenConversations {
  readonly #key: string;
  #hidden: Map<string, number>;
  readonly #onStorage: (event: StorageEvent) => void;

  /** `onChange` runs when another tab hides or shows a conversation. */
  constructor(username: string, onChange: () => void) {
    this.#key = `hubbub.hidden.${username.toLowerCase()}`;
    this.#hidden = this.#read();
    this.#onStorage = (event) => {
      if (event.key !== this.#key) return;
      this.#hidden = this.#read();
      onChange();
    };
    window.addEventListener('storage', this.#onStorage);
  }

  /** True while `room` is hidden and nothing newer than `lastSeq` at hiding time arrived. */
  isHidden(room: string, lastSeq: number): boolean {
    const hiddenAt = this.#hidden.get(room);
    return hiddenAt !== undefined && lastSeq <= hiddenAt;
  }

  /** Hides `room` until its last seq passes `lastSeq`. */
  hide(room: string, lastSeq: number): void {
    this.#hidden.set(room, lastSeq);
    this.#write();
  }

  /** Shows `room` again (opened by the user, or a newer message arrived); true if it was hidden. */
  show(room: string): boolean {
    if (!this.#hidden.delete(room)) return false;
    this.#write();
    return true;
  }

  /** Shows `room` again if its last seq has passed the one it was hidden at. */
  revealIfNewer(room: string, lastSeq: number): boolean {
    const hiddenAt = this.#hidden.get(room);
    return hiddenAt !== undefined && lastSeq > hiddenAt && this.show(room);
  }

  dispose(): void {
    window.removeEventListener('storage', this.#onStorage);
  }

  #read(): Map<string, number> {
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(this.#key) ?? '{}');
      if (typeof parsed !== 'object' || parsed === null) return new Map();
      return new Map(Object.entries(parsed).filter((pair): pair is [string, number] => typeof pair[1] === 'number'));
    } catch {
      return new Map();
    }
  }

  #write(): void {
    try {
      if (this.#hidden.size === 0) localStorage.removeItem(this.#key);
      else localStorage.setItem(this.#key, JSON.stringify(Object.fromEntries(this.#hidden)));
    } catch {
      // Storage full or refused (private mode): hiding lasts for this page only.
    }
  }
}
