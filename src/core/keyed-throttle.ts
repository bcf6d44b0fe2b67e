/**
 * At most one event per key per interval, whatever the client sends. The first event of a
 * quiet key goes out at once (leading edge); later ones inside the interval replace each
 * other, and the latest goes out when the interval ends (trailing edge) if `worthSending`
 * says it still matters next to what was sent last. A key with nothing pending is forgotten
 * at the end of its interval, so memory follows the keys active right now.
 *
 * Typing marks (any value, alternating or not) and read receipts use it: one client can no
 * longer turn a stream of commands into a stream of broadcasts to every member.
 *
 * A later event replaces a pending one unless `merge` says how to combine them: a trailing
 * value can then carry what it replaced (a typing stop that readers already acted on).
 */
export interface KeyedThrottleOptions<V> {
  readonly intervalMs: number;
  /** Sends an event (the relay to the room). */
  readonly send: (key: string, value: V) => void;
  /** Whether a trailing `latest` is worth sending after `sent` went out. */
  readonly worthSending: (sent: V, latest: V) => boolean;
  /** Combines a pending value with a newer one; by default the newer one replaces it. */
  readonly merge?: ((pending: V, next: V) => V) | undefined;
}

interface KeyState<V> {
  sent: V;
  pending: V | undefined;
  timer: NodeJS.Timeout;
}

export class KeyedThrottle<V> {
  readonly #options: KeyedThrottleOptions<V>;
  readonly #keys = new Map<string, KeyState<V>>();

  constructor(options: KeyedThrottleOptions<V>) {
    this.#options = options;
  }

  /** An event for `key`: sent now, or kept as the latest to send at the interval's end. */
  push(key: string, value: V): void {
    const state = this.#keys.get(key);
    if (state !== undefined) {
      const merge = this.#options.merge;
      state.pending = state.pending !== undefined && merge !== undefined ? merge(state.pending, value) : value;
      return;
    }
    this.#sendNow(key, value);
  }

  /** Drops what is pending for `key` (its room was left) without sending it. */
  forget(key: string): void {
    const state = this.#keys.get(key);
    if (state === undefined) return;
    clearTimeout(state.timer);
    this.#keys.delete(key);
  }

  /** Keys with an interval running (for tests). */
  get size(): number {
    return this.#keys.size;
  }

  /** Stops every timer (shutdown); nothing pending is sent. */
  clear(): void {
    for (const state of this.#keys.values()) clearTimeout(state.timer);
    this.#keys.clear();
  }

  #sendNow(key: string, value: V): void {
    const timer = setTimeout(() => this.#intervalEnded(key), this.#options.intervalMs);
    timer.unref();
    this.#keys.set(key, { sent: value, pending: undefined, timer });
    this.#options.send(key, value);
  }

  #intervalEnded(key: string): void {
    const state = this.#keys.get(key);
    if (state === undefined) return;
    this.#keys.delete(key);
    const latest = state.pending;
    if (latest !== undefined && this.#options.worthSending(state.sent, latest)) this.#sendNow(key, latest);
  }
}
