/**
 * The Redis engines against the shared conformance suites, on the shared Redis (a random prefix
 * per run; skipped with a warning when Redis is unreachable, failing under CI=true).
 */
import { after, before, describe } from 'node:test';
import type { Redis } from 'ioredis';
import { runBrokerConformance } from '../broker-conformance.test-support.js';
import { runPresenceConformance } from '../presence-conformance.test-support.js';
import { RedisBroker } from './redis-broker.js';
import { RedisPresence } from './redis-presence.js';
import { closeClient, countSkipped, deleteKeys, redisSkipReason, SHARED_REDIS_URL, testClient, uniquePrefix } from './redis.test-support.js';

const skip = await redisSkipReason();
countSkipped(skip);
const prefix = uniquePrefix('engines');

describe('RedisBroker conformance', { skip }, () => {
  runBrokerConformance(async () => {
    const publisher = await testClient(SHARED_REDIS_URL, 'publisher');
    const subscriber = await testClient(SHARED_REDIS_URL, 'subscriber');
    const broker = new RedisBroker({ publisher, subscriber, prefix });
    return {
      broker,
      cleanup: async () => {
        await broker.close();
        await closeClient(publisher);
        await closeClient(subscriber);
      },
    };
  });
});

describe('RedisPresence conformance', { skip }, () => {
  let admin: Redis;
  before(async () => {
    admin = await testClient(SHARED_REDIS_URL);
  });
  after(async () => {
    await deleteKeys(admin, `{${prefix}*`);
    await closeClient(admin);
  });

  runPresenceConformance(async ({ graceMs, namespace }) => {
    const redis = await testClient(SHARED_REDIS_URL);
    const presence = new RedisPresence({ redis, graceMs, prefix: `${prefix}${namespace}:`, heartbeatMs: 200, nodeTimeoutMs: 600 });
    await presence.whenIdle();
    return {
      presence,
      cleanup: async () => {
        await presence.close();
        await closeClient(redis);
      },
    };
  });
});
