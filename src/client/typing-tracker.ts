/**
 * Typing, both ways. `TypingTracker` keeps who is typing where from `typing` events (a mark
 * clears itself 3 s after the last `active:true`, or when that user's message arrives, as the
 * contract asks of clients). `TypingSender` turns keystrokes into few `typing` commands.
 */
import type { MessageEvent, TypingEvent } from '../protocol/events.js';

/** How long a typing mark lasts without a new `active:true`, per the contract. */
export const TYPING_TIMEOUT_MS = 3000;

export class TypingTracker {
  readonly #rooms = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  readonly #onChange: (room: string, users: readonly string[]) => void;
  readonly #timeoutMs: number;

  constructor(onChange: (room: string, users: readonly string[]) => void, timeoutMs = TYPING_TIMEOUT_MS) {
    this.#onChange = onChange;
    this.#timeoutMs = timeoutMs;
  }

  /** Who is typing in `room` now, in the order they started. */
  users(room: string): string[] {
    return [...(this.#rooms.get(room)?.keys() ?? [])];
  }

  typing(event: Pick<TypingEvent, 'room' | 'user' | 'active'>): void {
    if (event.active) this.#mark(event.room, event.user);
    else this.#clear(event.room, event.user);
  }

  /** A message from a user ends that user's typing mark in the room. */
  message(event: Pick<MessageEvent, 'room' | 'from'>): void {
    this.#clear(event.room, event.from);
  }

  /** Forgets every mark (on disconnect: the server will not send `active:false` for them). */
  reset(): void {
    for (const [room, users] of this.#rooms) {
      for (const timer of users.values()) clearTimeout(timer);
      this.#rooms.delete(room);
      this.#onChange(room, []);
    }
  }

  #mark(room: string, user: string): void {
    let users = this.#rooms.get(room);
    if (users === undefined) this.#rooms.set(room, (users = new Map()));
    const existing = users.get(user);
    if (existing !== undefined) clearTimeout(existing);
    users.set(user, setTimeout(() => this.#clear(room, user), this.#timeoutMs));
    if (existing === undefined) this.#onChange(room, this.users(room));
  }

  #clear(room: string, user: string): void {
    const users = this.#rooms.get(room);
    const timer = users?.get(user);
    if (users === undefined || timer === undefined) return;
    clearTimeout(timer);
    users.delete(user);
    if (users.size === 0) this.#rooms.delete(room);
    this.#onChange(room, this.users(room));
  }
}

/** "alice is typing…", "alice and bob are typing…", "several people are typing…", or "". */
export function describeTyping(users: readonly string[]): string {
  const [first, second] = users;
  if (first === undefined) return '';
  if (second === undefined) return `${first} is typing…`;
  if (users.length === 2) return `${first} and ${second} are typing…`;
  return 'several people are typing…';
}

/**
 * Sends `typing` for one room from keystrokes: `active:true` at most every `refreshMs` while
 * the user types, `active:false` after `idleMs` without a keystroke or at once on `stop()`.
 */
export class TypingSender {
  readonly #send: (active: boolean) => void;
  readonly #refreshMs: number;
  readonly #idleMs: number;
  #lastSentAt = -Infinity;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(send: (active: boolean) => void, options: { refreshMs?: number; idleMs?: number } = {}) {
    this.#send = send;
    this.#refreshMs = options.refreshMs ?? 2000;
    this.#idleMs = options.idleMs ?? TYPING_TIMEOUT_MS;
  }

  /** Call on every keystroke that changes the draft. */
  input(now = Date.now()): void {
    if (now - this.#lastSentAt >= this.#refreshMs) {
      this.#lastSentAt = now;
      this.#send(true);
    }
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.stop(), this.#idleMs);
  }

  /** The user stopped (sent the message, cleared the draft, left the room). */
  stop(): void {
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#lastSentAt === -Infinity) return;
    this.#lastSentAt = -Infinity;
    this.#send(false);
  }
}
