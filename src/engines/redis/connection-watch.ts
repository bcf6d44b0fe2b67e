/**
 * Follows one Redis connection's state (up since when, or down since when and why) from the
 * client's events, for `/readyz`, metrics and the engines' reconnect logic.
 */
import { errorMessage, isReady, type RedisConnectionEvents } from './redis-client.js';

/** A connection's state for health checks. */
export interface ConnectionHealth {
  readonly connected: boolean;
  /** Epoch ms of the last change of `connected` (or of the watch's start). */
  readonly since: number;
  /** Why it is down: the last error seen, or "connection closed". */
  readonly reason?: string | undefined;
}

export interface ConnectionWatchHooks {
  /** The connection became ready (again). */
  onUp?: () => void;
  /** The connection was lost. */
  onDown?: () => void;
  readonly clock?: () => number;
}

export class ConnectionWatch {
  readonly #client: RedisConnectionEvents;
  readonly #hooks: ConnectionWatchHooks;
  readonly #clock: () => number;
  #connected: boolean;
  #since: number;
  #reason: string | undefined;
  #lastError: string | undefined;

  readonly #ready = (): void => {
    this.#lastError = undefined;
    if (!this.#connected) {
      this.#connected = true;
      this.#since = this.#clock();
      this.#reason = undefined;
    }
    this.#hooks.onUp?.();
  };

  readonly #closed = (): void => {
    if (!this.#connected) {
      // Still down: a failed reconnect attempt may tell us more about why.
      if (this.#lastError !== undefined) this.#reason = this.#lastError;
      return;
    }
    this.#connected = false;
    this.#since = this.#clock();
    this.#reason = this.#lastError ?? 'connection closed';
    this.#hooks.onDown?.();
  };

  readonly #error = (error: Error): void => {
    this.#lastError = errorMessage(error);
    if (!this.#connected) this.#reason = this.#lastError;
  };

  constructor(client: RedisConnectionEvents, hooks: ConnectionWatchHooks = {}) {
    this.#client = client;
    this.#hooks = hooks;
    this.#clock = hooks.clock ?? Date.now;
    this.#connected = isReady(client);
    this.#since = this.#clock();
    this.#reason = this.#connected ? undefined : `not connected yet (${client.status})`;
    client.on('ready', this.#ready);
    client.on('close', this.#closed);
    client.on('end', this.#closed);
    client.on('error', this.#error);
  }

  get connected(): boolean {
    return this.#connected;
  }

  get health(): ConnectionHealth {
    return this.#connected ? { connected: true, since: this.#since } : { connected: false, since: this.#since, reason: this.#reason };
  }

  /** Stops listening (the client stays open: its owner closes it). */
  detach(): void {
    this.#client.off('ready', this.#ready);
    this.#client.off('close', this.#closed);
    this.#client.off('end', this.#closed);
    this.#client.off('error', this.#error);
  }
}

/** Two connections seen as one: up when both are, down since the first went down. */
export function combineHealth(a: ConnectionHealth, b: ConnectionHealth): ConnectionHealth {
  if (a.connected && b.connected) return { connected: true, since: Math.max(a.since, b.since) };
  const down = [a, b].filter((h) => !h.connected).sort((x, y) => x.since - y.since);
  const first = down[0]!;
  return { connected: false, since: first.since, reason: first.reason };
}
