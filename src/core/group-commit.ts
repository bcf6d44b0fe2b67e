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
   * Called once per batch, in `seq` order, with the messages this batch stored (not the
   * duplicates), before any of the batch's callers resume: publishing here keeps room order.
   */
  readonly onStored: (messages: readonly StoredMessage[]) => void;
  /** Called with each batch's size and commit duration (ms), for metrics. */
  readonly onBatch?: ((size: number, durationMs: number) => void) | undefined;
}

export class GroupCommit {
  readonly #store: MessageStore;
  readonly #options: GroupCommitOptions;
  #pending: Pending[] = [];
  #running = false;
  #idle: Promise<void> = Promise.resolve();
  #markIdle: () => void = () => {};

  constructor(store: MessageStore, options: GroupCommitOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** Resolves once the message (or its earlier copy with the same clientMsgId) is durable. */
  append(message: NewMessage): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.#pending.push({ message, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        this.#idle = new Promise((resolveIdle) => (this.#markIdle = resolveIdle));
        // Wait one turn so that every send read in this I/O phase joins the first batch.
        setImmediate(() => void this.#drain());
      }
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

  async #drain(): Promise<void> {
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
    this.#running = false;
    this.#markIdle();
  }
}
