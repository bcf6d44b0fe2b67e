/**
 * How the chat shows who is typing. On a terminal: the status line, redrawn in place ("bob is
 * typing… in #lobby"), gone when they stop or their message arrives. Without one: a line when
 * someone starts typing, one per start (however many typing events keep it alive), and nothing
 * when they stop or their message follows.
 */
import { TypingTracker, describeTyping } from '../client/typing-tracker.js';
import type { MessageEvent, TypingEvent } from '../protocol/events.js';

export interface TypingNoticesOptions {
  /** Status line (terminal) or appended lines. */
  readonly tty: boolean;
  readonly print: (line: string) => void;
  readonly setStatus: (text: string) => void;
  /** `#lobby`, `@bob`. */
  readonly label: (room: string) => string;
  /** The room the user is in: its typists come first on the status line. */
  readonly current: () => string | undefined;
  /** How long a typing mark lasts without a refresh (the contract's 3 s by default). */
  readonly timeoutMs?: number;
}

export class TypingNotices {
  readonly #options: TypingNoticesOptions;
  readonly #tracker: TypingTracker;
  /** Who types where, as last shown. */
  readonly #typists = new Map<string, readonly string[]>();

  constructor(options: TypingNoticesOptions) {
    this.#options = options;
    this.#tracker = new TypingTracker((room, users) => this.#changed(room, users), options.timeoutMs);
  }

  /** A `typing` event from someone else. */
  typing(event: Pick<TypingEvent, 'room' | 'user' | 'active'>): void {
    this.#tracker.typing(event);
  }

  /** A message ends its author's typing mark. */
  message(event: Pick<MessageEvent, 'room' | 'from'>): void {
    this.#tracker.message(event);
  }

  /** Forgets everyone (the connection dropped: no `active:false` will come for them). */
  reset(): void {
    this.#tracker.reset();
  }

  #changed(room: string, users: readonly string[]): void {
    const before = this.#typists.get(room) ?? [];
    if (users.length === 0) this.#typists.delete(room);
    else this.#typists.set(room, [...users]);
    if (this.#options.tty) {
      this.#options.setStatus(this.#summary());
      return;
    }
    for (const user of users) {
      if (!before.includes(user)) this.#options.print(`* ${describeTyping([user])} in ${this.#options.label(room)}`);
    }
  }

  /** "bob is typing… in #lobby · carol is typing… in @carol", the current room first. */
  #summary(): string {
    const current = this.#options.current();
    const rooms = [...this.#typists.keys()].sort((a, b) => Number(b === current) - Number(a === current));
    return rooms.map((room) => `${describeTyping(this.#typists.get(room) ?? [])} in ${this.#options.label(room)}`).join(' · ');
  }
}
