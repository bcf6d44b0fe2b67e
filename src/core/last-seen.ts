/**
 * Records users' last-seen times: one entry per transition to offline (never per message),
 * gathered for a short window and written in one store call, so a node reaping hundreds of
 * users at once (a dead node's, a reconnect storm's) makes one write, not hundreds. The
 * presence engines announce each "offline" once across nodes, so each transition is recorded
 * once, by the node that announced it.
 */
import type { Logger } from './logger.js';
import type { LastSeen, UserStore } from './store.js';

export interface LastSeenRecorderOptions {
  readonly store: Pick<UserStore, 'recordLastSeen'>;
  /** How long entries gather before they are written (0: on the next turn of the event loop). */
  readonly flushMs: number;
  readonly logger: Logger;
}

export class LastSeenRecorder {
  readonly #options: LastSeenRecorderOptions;
  /** The latest time per user not written yet. */
  #pending = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: LastSeenRecorderOptions) {
    this.#options = options;
  }

  /** The user went offline at `at` (epoch ms). */
  record(userId: number, at: number): void {
    this.#pending.set(userId, Math.max(at, this.#pending.get(userId) ?? 0));
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => void this.flush(), this.#options.flushMs);
    this.#timer.unref();
  }

  /** Writes what is pending now; resolves when every write begun so far is done. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size > 0) {
      const entries: LastSeen[] = [...this.#pending].map(([userId, at]) => ({ userId, at }));
      this.#pending = new Map();
      // One write at a time, in order: a later batch never lands before an earlier one.
      this.#writing = this.#writing.then(() =>
        this.#options.store.recordLastSeen(entries).catch((error: unknown) => {
          // Best-effort: a lost last-seen time only makes a profile card vaguer.
          this.#options.logger.warn({ err: error, users: entries.length }, 'could not record last-seen times');
        }),
      );
    }
    return this.#writing;
  }
}
