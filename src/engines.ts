/**
 * Picking the engines (part of the composition root): in memory for a single node, on Redis
 * when `REDIS_URL` is set and several nodes share one PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import type { Config } from './config/config.js';
import type { Broker } from './core/broker.js';
import type { Logger } from './core/logger.js';
import type { Presence } from './core/presence.js';
import type { RateLimiter } from './core/rate-limiter.js';
import { MemoryBroker } from './engines/memory/memory-broker.js';
import { MemoryPresence } from './engines/memory/memory-presence.js';
import { connectRedis } from './engines/redis/connect.js';
import { rateLimitKeyPrefix } from './engines/redis/key-prefix.js';
import { RedisBroker } from './engines/redis/redis-broker.js';
import { RedisPresence } from './engines/redis/redis-presence.js';
import { createRedisRateLimiter } from './engines/redis/redis-rate-limiter.js';
import { createMemoryRateLimiter } from './engines/memory/memory-rate-limiter.js';

export interface Engines {
  /** This node's id in the cluster (logs, Redis client names). */
  readonly nodeId: string;
  readonly broker: Broker;
  readonly presence: Presence;
  /**
   * A rate limit shared by every node (in memory on one node): `points` attempts per key per
   * `durationSeconds`; 0 points = no limit. `name` keeps the limits' counters apart.
   */
  limiter(name: string, points: number, durationSeconds: number): RateLimiter;
  /** Readiness checks beyond the database: `ok` or why not. */
  readiness(): Promise<Record<string, 'ok' | string>>;
  /** After the hub shut down: presence goodbye, broker, connections. */
  close(): Promise<void>;
}

/** `<host>-<pid>-<random>`: unique per process, readable in Redis and in logs. */
function newNodeId(): string {
  const host = hostname().replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 32) || 'node';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export async function createEngines(config: Config, logger: Logger, registry: Registry): Promise<Engines> {
  const nodeId = newNodeId();
  if (config.redisUrl === undefined) {
    return {
      nodeId,
      broker: new MemoryBroker(),
      presence: new MemoryPresence({ graceMs: config.presenceGraceMs }),
      limiter: (_name, points, durationSeconds) => createMemoryRateLimiter({ points, durationSeconds }),
      readiness: () => Promise.resolve({}),
      close: () => Promise.resolve(),
    };
  }

  const url = config.redisUrl;
  // Every channel and key of this deployment begins with it (engines/redis/key-prefix.ts).
  const prefix = config.redisPrefix;
  const clients: Redis[] = [];
  const open = async (role: 'commands' | 'publisher' | 'subscriber'): Promise<Redis> => {
    const client = connectRedis(url, { name: `hubbub:${nodeId}:${role}`, role, lazy: true, logger });
    clients.push(client);
    await client.connect(); // fail fast at start-up: an unreachable Redis is a configuration error
    return client;
  };
  let commands: Redis, publisher: Redis, subscriber: Redis;
  try {
    [commands, publisher, subscriber] = [await open('commands'), await open('publisher'), await open('subscriber')];
  } catch (error) {
    // Clients already connected, and the one that failed (ioredis would go on retrying it),
    // would keep the process alive after the caller gave up.
    for (const client of clients) client.disconnect();
    throw error;
  }
  const broker = new RedisBroker({ publisher, subscriber, prefix, nodeId, logger });
  const presence = new RedisPresence({
    redis: commands,
    prefix,
    graceMs: config.presenceGraceMs,
    nodeTimeoutMs: config.presenceNodeTimeoutMs,
    // Three beats per timeout: one late beat never makes a live node look dead.
    heartbeatMs: Math.max(100, Math.floor(config.presenceNodeTimeoutMs / 3)),
    nodeId,
    logger,
  });
  registerRedisMetrics(registry, broker);

  return {
    nodeId,
    broker,
    presence,
    limiter: (name, points, durationSeconds) =>
      createRedisRateLimiter(commands, { points, durationSeconds, keyPrefix: rateLimitKeyPrefix(prefix, name) }),
    async readiness() {
      const health = broker.health();
      const presenceHealth = presence.health();
      return {
        redis: health.connected ? 'ok' : `degraded: ${health.reason ?? 'disconnected'} since ${new Date(health.since).toISOString()}`,
        presence: presenceHealth.connected ? 'ok' : `degraded: ${presenceHealth.reason ?? 'disconnected'}`,
      };
    },
    async close() {
      await presence.close();
      await broker.close();
      await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}

/** The broker's state as metrics, read when Prometheus scrapes. */
function registerRedisMetrics(registry: Registry, broker: RedisBroker): void {
  new Gauge({
    name: 'hubbub_broker_connected',
    help: '1 while the Redis broker connection is up (0: degraded, serving local clients only)',
    registers: [registry],
    collect() {
      this.set(broker.health().connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hubbub_broker_publish_failures',
    help: 'Publishes to Redis that failed since start (local delivery went on; other nodes repair from the store)',
    registers: [registry],
    collect() {
      this.set(broker.publishFailures);
    },
  });
  new Gauge({
    name: 'hubbub_broker_subscriptions',
    help: 'Topics (rooms, users, presence) this node subscribes to',
    registers: [registry],
    collect() {
      this.set(broker.subscriptionCount);
    },
  });
}
