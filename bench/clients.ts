/** Opening many benchmark clients quickly, spread over several loopback source addresses. */
import type { Progress } from './report/progress.js';
import type { BenchClient, DeliverySink, RunningTarget, Target } from './types.js';

/** Connections per source address: well under the ~28k ephemeral ports each one has. */
const PER_ADDRESS = 10_000;

/** 127.0.0.1, then 127.0.0.2 … for every further PER_ADDRESS clients. */
export function sourceAddress(index: number): string {
  return `127.0.0.${1 + Math.floor(index / PER_ADDRESS)}`;
}

export interface OpenClientsOptions {
  readonly count: number;
  /** User names are `${prefix}${index}`. */
  readonly prefix: string;
  /** The room each client joins (by index), or undefined for none. */
  readonly room?: (index: number) => string | undefined;
  readonly sink?: DeliverySink;
  /** Connections opened at once. */
  readonly concurrency?: number;
  /** Shows the connecting on the operator's terminal. */
  readonly progress?: Progress;
}

/** Opens `count` clients (each joined to its room), at most `concurrency` at a time. */
export async function openClients(target: Target, running: RunningTarget, options: OpenClientsOptions): Promise<BenchClient[]> {
  const clients: BenchClient[] = new Array<BenchClient>(options.count);
  options.progress?.start(`${target.name}: connecting ${options.count} clients`, options.count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.count) {
      const index = next++;
      const client = await target.connect(running, {
        user: `${options.prefix}${index}`,
        localAddress: sourceAddress(index),
        ...(options.sink === undefined ? {} : { sink: options.sink }),
      });
      const room = options.room?.(index);
      if (room !== undefined) await client.join(room);
      clients[index] = client;
      options.progress?.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 100, options.count) }, worker));
  options.progress?.done();
  return clients;
}

/** Closes clients, a batch at a time, ignoring failures (the server may be gone). */
export async function closeClients(clients: readonly BenchClient[]): Promise<void> {
  for (let i = 0; i < clients.length; i += 500) {
    await Promise.all(clients.slice(i, i + 500).map((c) => c.close().catch(() => {})));
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `count()` stops growing for `quietMs`, or `maxMs` passed. */
export async function settle(count: () => number, quietMs: number, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = count();
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(50);
    const current = count();
    if (current !== last) {
      last = current;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) return;
  }
}
