/**
 * The parts of a Redis client the engines use, typed structurally (as kysely types its drivers):
 * an ioredis `Redis` (or `Cluster`) satisfies them as it is, and a test can hand in a fake.
 */

/** Connection state and events every engine watches. */
export interface RedisConnectionEvents {
  /** ioredis: `wait`, `connecting`, `connect`, `ready`, `close`, `reconnecting`, `end` … */
  readonly status: string;
  on(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

/** The connection the broker publishes on. */
export interface RedisPublisherClient extends RedisConnectionEvents {
  spublish(channel: string, message: string): Promise<unknown>;
}

/** The connection the broker holds its sharded subscriptions on (subscriber mode). */
export interface RedisSubscriberClient extends RedisConnectionEvents {
  ssubscribe(...channels: string[]): Promise<unknown>;
  sunsubscribe(...channels: string[]): Promise<unknown>;
  on(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'smessage', listener: (channel: string, message: string) => void): unknown;
  off(event: 'ready' | 'close' | 'end', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'smessage', listener: (channel: string, message: string) => void): unknown;
}

/** A connection that runs Lua scripts (presence). */
export interface RedisScriptClient extends RedisConnectionEvents {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  evalsha(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** `true` when a client can take commands now (ioredis's `ready`). */
export const isReady = (client: RedisConnectionEvents): boolean => client.status === 'ready';

/** The message of anything thrown. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
