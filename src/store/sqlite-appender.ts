/**
 * The main thread's side of the SQLite writer thread (`sqlite-append-worker.ts`): hands it a
 * batch, resolves with its results. One batch at a time is all group commit sends.
 */
import { Worker } from 'node:worker_threads';
import type { AppendResult, NewMessage } from '../core/store.js';
import type { AppendReply, AppendRequest } from './sqlite-append-worker.js';
import type { SqliteSync } from './sqlite-pragmas.js';
import { fromThreadError } from './thread-errors.js';

/**
 * The writer thread. From the compiled build it is the .js module beside this one; from the
 * TypeScript sources (tests, tsx) a tiny bootstrap registers tsx in the thread first.
 */
function startWorker(filename: string, sync: SqliteSync): Worker {
  const workerData = { filename, sync };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sqlite-append-worker.js', import.meta.url), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./sqlite-append-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

export class SqliteAppender {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (results: AppendResult[]) => void; reject: (error: Error) => void }>();
  readonly #inFlight = new Set<Promise<AppendResult[]>>();
  /** Resolves once the thread has opened and configured its connection. */
  readonly ready: Promise<void>;
  #markReady: () => void = () => {};
  #nextId = 1;
  #failure: Error | undefined;

  constructor(filename: string, sync: SqliteSync = 'full') {
    this.#worker = startWorker(filename, sync);
    this.ready = new Promise((resolve) => (this.#markReady = resolve));
    this.#worker.on('message', (reply: AppendReply | { ready: true }) => {
      if ('ready' in reply) {
        this.#markReady();
        return;
      }
      const waiter = this.#pending.get(reply.id);
      if (waiter === undefined) return;
      this.#pending.delete(reply.id);
      if ('error' in reply) waiter.reject(fromThreadError(reply.error));
      else waiter.resolve(reply.results);
    });
    const fail = (error: Error): void => {
      this.#failure = error;
      this.#markReady();
      for (const waiter of this.#pending.values()) waiter.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => {
      if (this.#pending.size > 0 || code !== 0) fail(new Error(`the SQLite writer thread exited (${code})`));
      else this.#failure ??= new Error('the SQLite writer is closed');
    });
  }

  append(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    const promise = new Promise<AppendResult[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const request: AppendRequest = { id, batch };
      this.#worker.postMessage(request);
    });
    this.#inFlight.add(promise);
    const forget = (): void => {
      this.#inFlight.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  /** Waits for the batches in flight, then closes the writer's connection and its thread. */
  async close(): Promise<void> {
    await Promise.allSettled(this.#inFlight);
    if (this.#failure !== undefined) return;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.postMessage({ close: true });
    await exited;
  }
}
