/**
 * Group commit for messages. Sends that arrive while a commit is in flight wait and go into the
 * next transaction together, so the database sees one transaction per batch instead of one per
 * message, and durability (ack after commit) costs latency of about one commit, not throughput.
 */
import { ContentRefusedError, type AppendResult, type MessageStore, type NewMessage, type StoredMessage } from './store.js';

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
  /** Called for each message refused alone after its batch was split (see `#commit`). */
  readonly onIsolated?: ((error: ContentRefusedError) => void) | undefined;
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

  /** Resolves when nothing is pending (for shutdown). */
  whenIdle(): Promise<void> {
    return this.#idle;
  }

  async #lane(): Promise<void> {
    this.#lanes++;
    while (this.#pending.length > 0) await this.#commit(this.#pending.splice(0, this.#options.maxBatch));
    this.#lanes--;
    if (this.#lanes === 0 && !this.#laneScheduled) {
      this.#markIdle?.();
      this.#markIdle = undefined;
    }
  }

  /**
   * Commits one batch. When the store refuses it for what a message holds, nothing of it was
   * stored, so it is split in halves and each half committed in turn (order kept): the
   * messages at fault end up alone and are refused, their neighbours are stored. Other
   * failures (the database unreachable) fail the whole batch at once: splitting would only
   * multiply the failing attempts.
   */
  async #commit(batch: readonly Pending[]): Promise<void> {
    const started = performance.now();
    let results: AppendResult[];
    try {
      results = await this.#store.appendMessages(batch.map((entry) => entry.message));
    } catch (error) {
      if (!(error instanceof ContentRefusedError) || batch.length === 1) {
        if (error instanceof ContentRefusedError) this.#options.onIsolated?.(error);
        for (const entry of batch) entry.reject(error);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.#commit(batch.slice(0, half));
      await this.#commit(batch.slice(half));
      return;
    }
    this.#options.onBatch?.(batch.length, performance.now() - started);
    const stored: StoredMessage[] = [];
    for (const result of results) if (result.created) stored.push(result.message);
    this.#options.onStored(stored);
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
  }
}
