/**
 * Group commit for messages. Sends that arrive while a commit is in flight wait and go into the
 * next transaction together, so the database sees one transaction per batch instead of one per
 * message, and durability (ack after commit) costs latency of about one commit, not throughput.
 */
import type { AppendResult, MessageStore, NewMessage, StoredMessage } from './store.js';

interface Pending {
  readonly message: NewMessage;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** The most messages in one transaction. */
  readonly maxBatch: number;
  /**
   * Batches committed at once. Within a room the store serialises them (row lock or single
   * writer), so a later batch may finish first only for other rooms; across nodes the room
   * channels restore order anyway.
   */
  readonly concurrency: number;
  /**
   * Called once per batch with the messages it stored (not the duplicates), in `seq` order,
   * before any of the batch's callers resume: their acks never overtake the publication.
   */
  readonly onStored: (messages: readonly StoredMessage[]) => void;
  /** Called with each batch's size and commit duration (ms), for metrics. */
  readonly onBatch?: ((size: number, durationMs: number) => void) | undefined;
}

export class GroupCommit {
  readonly #store: MessageStore;
  readonly #options: GroupCommitOptions;
  #pending: Pending[] = [];
  /** Batches being committed now. */
  #lanes = 0;
  #laneScheduled = false;
  #idle: Promise<void> = Promise.resolve();
  #markIdle: (() => void) | undefined;

  constructor(store: MessageStore, options: GroupCommitOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** Resolves once the message (or its earlier copy with the same clientMsgId) is durable. */
  append(message: NewMessage): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.#pending.push({ message, resolve, reject });
      this.#kick();
    });
  }

  /**
   * Starts another commit lane if one may start: on the next turn, so that every send read in
   * this I/O phase joins the batch. While `concurrency` batches are in flight, sends wait and
   * join the next batch: the busier the server, the larger the batches.
   */
  #kick(): void {
    if (this.#laneScheduled || this.#lanes >= this.#options.concurrency) return;
    this.#laneScheduled = true;
    this.#markIdle ??= (() => {
      let resolveIdle!: () => void;
      this.#idle = new Promise((resolve) => (resolveIdle = resolve));
      return resolveIdle;
    })();
    setImmediate(() => {
      this.#laneScheduled = false;
      void this.#lane();
    });
  }

  /** Messages waiting for or in a commit. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Resolves when nothing is pending (for shutdown). */
  whenIdle(): Promise<void> {
    return this.#idle;
  }

  async #lane(): Promise<void> {
    this.#lanes++;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#options.maxBatch);
      const started = performance.now();
      let results: AppendResult[];
      try {
        results = await this.#store.appendMessages(batch.map((entry) => entry.message));
      } catch (error) {
        for (const entry of batch) entry.reject(error);
        continue;
      }
      this.#options.onBatch?.(batch.length, performance.now() - started);
      const stored: StoredMessage[] = [];
      for (const result of results) if (result.created) stored.push(result.message);
      this.#options.onStored(stored);
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
    }
    this.#lanes--;
    if (this.#lanes === 0 && !this.#laneScheduled) {
      this.#markIdle?.();
      this.#markIdle = undefined;
    }
  }
}
