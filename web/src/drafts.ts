/**
 * What the user has typed but not sent, per room, kept in localStorage so that switching rooms
 * or reloading the page never loses it. Written a moment after the last keystroke (and at once
 * when the page is hidden or closed), not on every key.
 */

const WRITE_DELAY_MS = 400;
/** A draft is at most one message long; more rooms than this keep only the newest drafts. */
const MAX_ROOMS = 200;

export class Drafts {
  readonly #key: string;
  readonly #drafts: Map<string, string>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #flush = (): void => this.flush();

  constructor(username: string) {
    this.#key = `hubbub.drafts.${username.toLowerCase()}`;
    this.#drafts = this.#read();
    addEventListener('pagehide', this.#flush);
    document.addEventListener('visibilitychange', this.#flush);
  }

  get(room: string): string {
    return this.#drafts.get(room) ?? '';
  }

  /** Keeps `text` as the draft of `room`; an empty text removes it. */
  set(room: string, text: string): void {
    if (text === this.get(room)) return;
    // Re-inserted so that the map's order is the order of last use (the oldest go first).
    this.#drafts.delete(room);
    if (text !== '') this.#drafts.set(room, text);
    while (this.#drafts.size > MAX_ROOMS) this.#drafts.delete(this.#drafts.keys().next().value!);
    if (this.#timer === undefined) this.#timer = setTimeout(this.#flush, WRITE_DELAY_MS);
  }

  /** Writes pending changes now. */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      if (this.#drafts.size === 0) localStorage.removeItem(this.#key);
      else localStorage.setItem(this.#key, JSON.stringify(Object.fromEntries(this.#drafts)));
    } catch {
      // Storage full or disabled: drafts then last as long as the page.
    }
  }

  /** Forgets every draft (signing out). */
  clear(): void {
    this.#drafts.clear();
    this.flush();
  }

  dispose(): void {
    this.flush();
    removeEventListener('pagehide', this.#flush);
    document.removeEventListener('visibilitychange', this.#flush);
  }

  #read(): Map<string, string> {
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(this.#key) ?? '{}');
      if (typeof parsed !== 'object' || parsed === null) return new Map();
      return new Map(Object.entries(parsed).filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1] !== ''));
    } catch {
      return new Map();
    }
  }
}
