/**
 * Presence across nodes, kept in Redis (the keys and scripts are described in
 * `presence-scripts.ts`). A user is online while any live node holds a connection of theirs;
 * every transition runs in one Lua script, so "online" is announced by the node that made the
 * first connection anywhere and "offline" by exactly one node:
 *
 * - the node whose disconnect left the user with nothing, when the grace period it started ends
 *   with no new connection (a local timer; a Redis-side deadline, so a timer of another node or a
 *   stale one cannot end it early);
 * - any node's sweep, when that node died or left during the grace period (overdue by a heartbeat);
 * - the node whose sweep reaps a dead node (no heartbeat for `nodeTimeoutMs`), for users left with
 *   no live node: within about nodeTimeoutMs + heartbeatMs of the death, without further grace
 *   (their clients have had that long to reconnect elsewhere).
 *
 * `close()` is a goodbye: the node's connections are removed at once and its users left with
 * nothing enter the grace period, ended by the other nodes' sweep — clients that reconnect to
 * another node meanwhile do not flap.
 *
 * While Redis is unreachable presence degrades to this node's view: `connect`/`disconnect` are
 * recorded locally and never fail, `online`/`connectionCount` answer from local connections,
 * and nothing is announced; when Redis is back the node writes its connections again (resync)
 * and announces what changed meanwhile. The same resync runs when the node finds its heartbeat
 * expired (it was stalled or cut off and may have been reaped).
 */
import type { Logger } from '../../core/logger.js';
import type { Presence, PresenceHandler } from '../../core/presence.js';
import { DEFAULT_AVAILABILITY, isAvailability, type Availability } from '../../protocol/availability.js';
import { ConnectionWatch, type ConnectionHealth } from './connection-watch.js';
import { checkKeyPrefix } from './key-prefix.js';
import { LuaScripts } from './lua-scripts.js';
import { nodeIdOf } from './node-id.js';
import { errorMessage, isReady, type RedisScriptClient } from './redis-client.js';
import { CONNECT, COUNT, DISCONNECT, EXPIRE, GOODBYE, ONLINE, RESYNC, SET_AVAILABILITY, STATUSES, TICK } from './presence-scripts.js';

export interface RedisPresenceOptions {
  /** A command connection that fails fast while disconnected (`connectRedis`, role `commands`). */
  readonly redis: RedisScriptClient;
  /** How long a user with no connection left stays online (a reload does not flap). */
  readonly graceMs: number;
  /** Heartbeat and sweep interval; default 5 s. */
  readonly heartbeatMs?: number | undefined;
  /** A node whose heartbeat is this old is dead and reaped; default 15 s. */
  readonly nodeTimeoutMs?: number | undefined;
  /**
   * The deployment's namespace: keys are `{<prefix>presence}:…`, one hash tag, so one cluster
   * slot (see `key-prefix.ts`). No default: nodes with the same prefix are one deployment.
   */
  readonly prefix: string;
  /** This node's id; default random. */
  readonly nodeId?: string | undefined;
  /** Most users one sweep script handles before the next call; default 1000. */
  readonly sweepBatch?: number | undefined;
  readonly logger?: Logger | undefined;
}

export class RedisPresence implements Presence {
  readonly nodeId: string;
  readonly #redis: RedisScriptClient;
  readonly #scripts: LuaScripts;
  readonly #graceMs: number;
  readonly #heartbeatMs: number;
  readonly #nodeTimeoutMs: number;
  readonly #sweepBatch: number;
  readonly #base: string;
  readonly #nodesKey: string;
  readonly #logger: Logger | undefined;
  readonly #watch: ConnectionWatch;
  /** This node's open connections per user: the truth Redis is resynced from. */
  readonly #sessions = new Map<number, Set<string>>();
  /**
   * The availability of the users with connections here, as this node last knew it: what Redis
   * is refilled with when it lost it, and the answer while Redis is unreachable.
   */
  readonly #availability = new Map<number, Availability>();
  readonly #graceTimers = new Map<number, NodeJS.Timeout>();
  readonly #heartbeat: NodeJS.Timeout;
  #handler: PresenceHandler | undefined;
  /** Redis may not hold this node's connections as they are: resync at the next tick. */
  #dirty = true;
  #ticking = false;
  #tickAgain = false;
  #stopped = false;
  #idle: Promise<void> = Promise.resolve();

  constructor(options: RedisPresenceOptions) {
    this.nodeId = nodeIdOf(options.nodeId, 'presence');
    // The pattern has no braces, which would end the hash tag early.
    const prefix = checkKeyPrefix(options.prefix);
    this.#redis = options.redis;
    this.#scripts = new LuaScripts(options.redis);
    this.#graceMs = Math.max(0, options.graceMs);
    this.#heartbeatMs = options.heartbeatMs ?? 5000;
    this.#nodeTimeoutMs = options.nodeTimeoutMs ?? 15_000;
    if (!(this.#heartbeatMs > 0 && this.#nodeTimeoutMs > this.#heartbeatMs)) {
      throw new RangeError('presence: nodeTimeoutMs must be greater than heartbeatMs (> 0)');
    }
    this.#sweepBatch = options.sweepBatch ?? 1000;
    this.#base = `{${prefix}presence}:`;
    this.#nodesKey = `${this.#base}nodes`;
    this.#logger = options.logger;
    this.#watch = new ConnectionWatch(this.#redis, {
      onUp: () => {
        this.#scripts.forget();
        // After ioredis's own ready handling, so that anything it sends again goes first and
        // the resync has the last word.
        setImmediate(() => this.#scheduleTick());
      },
      onDown: () => {
        this.#dirty = true;
      },
    });
    this.#heartbeat = setInterval(() => this.#scheduleTick(), this.#heartbeatMs);
    this.#heartbeat.unref();
    this.#scheduleTick();
  }

  setHandler(handler: PresenceHandler): void {
    this.#handler = handler;
  }

  async connect(userId: number, sessionId: string, availability: Availability = DEFAULT_AVAILABILITY): Promise<void> {
    if (this.#stopped) return;
    let sessions = this.#sessions.get(userId);
    if (sessions === undefined) {
      sessions = new Set();
      this.#sessions.set(userId, sessions);
    }
    if (sessions.has(sessionId)) return;
    sessions.add(sessionId);
    if (!this.#availability.has(userId)) this.#availability.set(userId, availability);
    this.#clearGraceTimer(userId);
    const reply = await this.#run('connect', CONNECT, [this.nodeId, this.#nodeTimeoutMs, userId, sessions.size, availability]);
    if (reply === undefined) return;
    const [announce, stale] = numbers(reply);
    if (stale === 1) this.#resyncSoon();
    if (announce === 1) this.#emit(userId, 'online');
  }

  async disconnect(userId: number, sessionId: string): Promise<void> {
    const sessions = this.#sessions.get(userId);
    if (this.#stopped || sessions === undefined || !sessions.delete(sessionId)) return;
    if (sessions.size === 0) {
      this.#sessions.delete(userId);
      this.#availability.delete(userId);
    }
    const reply = await this.#run('disconnect', DISCONNECT, [this.nodeId, this.#nodeTimeoutMs, userId, sessions.size, this.#graceMs]);
    if (reply === undefined) return;
    const [outcome, stale, ms] = numbers(reply);
    if (stale === 1) this.#resyncSoon();
    if (outcome === 1) this.#emit(userId, 'offline');
    else if (outcome === 2) this.#armGraceTimer(userId, ms ?? this.#graceMs);
  }

  async online(userIds: readonly number[]): Promise<Set<number>> {
    if (userIds.length === 0) return new Set();
    const reply = await this.#run('online', ONLINE, userIds);
    if (reply === undefined) return new Set(userIds.filter((id) => this.#sessions.has(id) || this.#graceTimers.has(id)));
    const flags = numbers(reply);
    return new Set(userIds.filter((_, i) => flags[i] === 1));
  }

  async setAvailability(userId: number, availability: Availability): Promise<void> {
    if (this.#stopped) return;
    const known = this.#availability.get(userId);
    if (known !== undefined) this.#availability.set(userId, availability);
    const reply = await this.#run('availability', SET_AVAILABILITY, [userId, availability]);
    // Unanswered (Redis down): this node's view decides, as for everything else meanwhile.
    const changed = reply === undefined ? known !== undefined && known !== availability : Number(reply) === 1;
    if (changed) this.#emitAvailability(userId, availability);
  }

  async statuses(userIds: readonly number[]): Promise<Map<number, Availability>> {
    const result = new Map<number, Availability>();
    if (userIds.length === 0) return result;
    const reply = await this.#run('statuses', STATUSES, [DEFAULT_AVAILABILITY, ...userIds]);
    if (reply === undefined) {
      for (const id of userIds) {
        if (this.#sessions.has(id) || this.#graceTimers.has(id)) result.set(id, this.#availability.get(id) ?? DEFAULT_AVAILABILITY);
      }
      return result;
    }
    const values = array(reply);
    userIds.forEach((id, i) => {
      const value = String(values[i] ?? '');
      if (value !== '') result.set(id, isAvailability(value) ? value : DEFAULT_AVAILABILITY);
    });
    return result;
  }

  async connectionCount(userId: number): Promise<number> {
    const reply = await this.#run('count', COUNT, [userId]);
    if (reply === undefined) return this.#sessions.get(userId)?.size ?? 0;
    return Number(reply);
  }

  /** The Redis connection's state. */
  health(): ConnectionHealth {
    return this.#watch.health;
  }

  /** Resolves when the heartbeat/sweep/resync in progress (if any) is done (for tests). */
  whenIdle(): Promise<void> {
    return this.#idle;
  }

  /**
   * Goodbye: stops the heartbeat, removes this node's connections from Redis and leaves its
   * users' grace periods to the other nodes. The Redis client stays open (its owner closes it).
   */
  async close(): Promise<void> {
    if (this.#stopped) return;
    this.#stop();
    await this.#idle;
    const reply = await this.#run('goodbye', GOODBYE, [this.nodeId, this.#graceMs], true);
    this.#sessions.clear();
    this.#availability.clear();
    if (reply !== undefined) for (const userId of numbers(reply)) this.#emit(userId, 'offline');
  }

  /**
   * For tests: stops as if the process had been killed — no goodbye, no further Redis call; the
   * heartbeat expires and another node reaps this one.
   */
  crash(): void {
    this.#stop();
    this.#sessions.clear();
    this.#availability.clear();
  }

  #stop(): void {
    this.#stopped = true;
    clearInterval(this.#heartbeat);
    for (const timer of this.#graceTimers.values()) clearTimeout(timer);
    this.#graceTimers.clear();
    this.#watch.detach();
  }

  /**
   * Runs a script; undefined when Redis cannot be asked now or failed (the node then falls back
   * to its own view and resyncs later).
   */
  async #run(what: string, lua: string, args: readonly (string | number)[], evenIfStopped = false): Promise<unknown> {
    if ((this.#stopped && !evenIfStopped) || !isReady(this.#redis)) {
      this.#dirty = true;
      return undefined;
    }
    try {
      return await this.#scripts.run(lua, [this.#nodesKey], [this.#base, ...args]);
    } catch (error) {
      this.#dirty = true;
      this.#logger?.warn({ err: errorMessage(error) }, `presence: ${what} failed; using this node's view until Redis answers`);
      return undefined;
    }
  }

  #scheduleTick(): void {
    if (this.#stopped) return;
    if (this.#ticking) {
      this.#tickAgain = true;
      return;
    }
    this.#idle = this.#tick().catch((error: unknown) => {
      this.#logger?.error({ err: error }, 'presence: heartbeat failed');
    });
  }

  #resyncSoon(): void {
    this.#dirty = true;
    this.#scheduleTick();
  }

  /** Heartbeat, sweep and (when due) resync; loops while the sweep has work left. */
  async #tick(): Promise<void> {
    this.#ticking = true;
    try {
      for (let more = true; more && !this.#stopped; ) {
        const reply = await this.#run('heartbeat', TICK, [this.nodeId, this.#nodeTimeoutMs, this.#sweepBatch, this.#heartbeatMs]);
        if (reply === undefined) return;
        const [staleField, offlineField, moreField] = array(reply);
        if (Number(staleField) === 1) {
          if (!this.#dirty) this.#logger?.warn({ nodeId: this.nodeId }, 'presence: this node was taken for dead; writing its connections again');
          this.#dirty = true;
        }
        if (this.#dirty) await this.#resync();
        for (const userId of numbers(offlineField)) this.#emit(userId, 'offline');
        more = Number(moreField) === 1;
      }
    } finally {
      this.#ticking = false;
      if (this.#tickAgain) {
        this.#tickAgain = false;
        this.#scheduleTick();
      }
    }
  }

  async #resync(): Promise<void> {
    this.#dirty = false;
    const pairs: (string | number)[] = [];
    for (const [userId, sessions] of this.#sessions) pairs.push(userId, sessions.size, this.#availability.get(userId) ?? DEFAULT_AVAILABILITY);
    const reply = await this.#run('resync', RESYNC, [this.nodeId, this.#nodeTimeoutMs, this.#graceMs, ...pairs]);
    if (reply === undefined) return;
    const [online, offline, graced] = array(reply);
    for (const userId of numbers(online)) this.#emit(userId, 'online');
    for (const userId of numbers(offline)) this.#emit(userId, 'offline');
    for (const userId of numbers(graced)) this.#armGraceTimer(userId, this.#graceMs);
  }

  #armGraceTimer(userId: number, ms: number): void {
    this.#clearGraceTimer(userId);
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#graceTimers.delete(userId);
      void this.#expire(userId);
    }, ms);
    timer.unref();
    this.#graceTimers.set(userId, timer);
  }

  #clearGraceTimer(userId: number): void {
    const timer = this.#graceTimers.get(userId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#graceTimers.delete(userId);
  }

  async #expire(userId: number): Promise<void> {
    // Unanswered (Redis down): another node's sweep, or this one's, ends it later.
    const reply = await this.#run('expire', EXPIRE, [userId]);
    if (reply === undefined) return;
    const left = Number(reply);
    if (left === 0) this.#emit(userId, 'offline');
    else if (left > 0) this.#armGraceTimer(userId, left);
  }

  #emitAvailability(userId: number, availability: Availability): void {
    try {
      this.#handler?.onAvailabilityChange(userId, availability);
    } catch (error) {
      this.#logger?.error({ err: error, userId, availability }, 'presence: handler threw');
    }
  }

  #emit(userId: number, status: 'online' | 'offline'): void {
    try {
      this.#handler?.onPresenceChange(userId, status);
    } catch (error) {
      this.#logger?.error({ err: error, userId, status }, 'presence: handler threw');
    }
  }
}

function array(reply: unknown): unknown[] {
  return Array.isArray(reply) ? (reply as unknown[]) : [];
}

/** A script's array reply as numbers (user ids, flags). */
function numbers(reply: unknown): number[] {
  return array(reply).map(Number);
}
