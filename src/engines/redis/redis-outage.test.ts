/**
 * The Redis engines through a Redis crash: each test starts its own `redis-server` on a spare
 * port, kills it (SIGKILL) and starts it again on the same port, empty.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { silentLogger, type Logger } from '../../core/logger.js';
import { RecordingHandler, roomEvent, uniqueTopic } from '../broker-conformance.test-support.js';
import { eventually, RecordingPresenceHandler } from '../presence-conformance.test-support.js';
import { RedisBroker } from './redis-broker.js';
import { RedisPresence } from './redis-presence.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { closeClient, countSkipped, redisServerSkipReason, testClient, TestRedisServer } from './redis.test-support.js';

const skip = redisServerSkipReason();
countSkipped(skip);

describe('Redis engines through a Redis restart', { skip }, () => {
  const servers: TestRedisServer[] = [];
  const clients: Redis[] = [];
  const closers: (() => Promise<void>)[] = [];

  after(async () => {
    for (const close of closers) await close();
    for (const client of clients) await closeClient(client);
    for (const server of servers) await server.kill();
  });

  async function server(): Promise<TestRedisServer> {
    const started = await TestRedisServer.start();
    servers.push(started);
    return started;
  }

  async function client(url: string, role: 'commands' | 'publisher' | 'subscriber' = 'commands'): Promise<Redis> {
    const created = await testClient(url, role);
    clients.push(created);
    return created;
  }

  async function brokerNode(url: string) {
    const broker = new RedisBroker({ publisher: await client(url, 'publisher'), subscriber: await client(url, 'subscriber'), prefix: 'outage:' });
    const handler = new RecordingHandler();
    broker.setHandler(handler);
    closers.push(() => broker.close());
    return { broker, handler };
  }

  it('the broker keeps delivering locally while Redis is down, then resubscribes and reports the reconnect', async () => {
    const redis = await server();
    const a = await brokerNode(redis.url);
    const b = await brokerNode(redis.url);
    const topic = uniqueTopic('outage');
    await a.broker.subscribe(topic);
    await b.broker.subscribe(topic);
    await a.broker.publish(topic, roomEvent('r', 1));
    await b.handler.until(() => b.handler.on(topic).length === 1, 2000, 'the first message on B');
    assert.equal(a.broker.health().connected, true);

    await redis.kill();
    await a.handler.until(() => !a.broker.health().connected, 2000, 'A to notice');
    const health = a.broker.health();
    assert.equal(health.connected, false);
    assert.ok(health.reason !== undefined && health.reason.length > 0);

    // Local delivery does not depend on Redis, and publish neither hangs nor throws.
    const started = Date.now();
    await a.broker.publish(topic, roomEvent('r', 2));
    assert.ok(Date.now() - started < 100, 'publish fails fast');
    assert.deepEqual(a.handler.on(topic), [roomEvent('r', 1), roomEvent('r', 2)]);
    assert.ok(a.broker.publishFailures >= 1);
    // A topic subscribed during the outage is subscribed when Redis is back.
    const later = uniqueTopic('during-outage');
    await a.broker.subscribe(later);
    await a.broker.publish(later, roomEvent('l', 1));
    assert.deepEqual(a.handler.on(later), [roomEvent('l', 1)]);

    await redis.start();
    await a.handler.until(() => a.handler.reconnects >= 1, 5000, 'onReconnect on A');
    await b.handler.until(() => b.handler.reconnects >= 1, 5000, 'onReconnect on B');
    await a.handler.until(() => a.broker.health().connected, 5000, 'A connected');
    await b.handler.until(() => b.broker.health().connected, 5000, 'B connected');
    assert.equal(a.handler.reconnects, 1);

    // Cross-node delivery works again, both ways, on the old topic and the new one.
    await a.broker.publish(topic, roomEvent('r', 3));
    await b.handler.until(() => b.handler.on(topic).length === 2, 2000, 'the message after the restart on B');
    assert.deepEqual(b.handler.on(topic), [roomEvent('r', 1), roomEvent('r', 3)]);
    await b.broker.publish(later, roomEvent('l', 2));
    await a.handler.until(() => a.handler.on(later).length === 2, 2000, 'B → A on the topic subscribed during the outage');
    assert.equal(a.broker.subscriptionCount, 2);
  });

  it('presence answers from the local view while Redis is down and resyncs when it is back', async () => {
    const redis = await server();
    const timing = { graceMs: 0, heartbeatMs: 100, nodeTimeoutMs: 300, prefix: 'outage:' };
    const a = new RedisPresence({ redis: await client(redis.url), ...timing });
    const b = new RedisPresence({ redis: await client(redis.url), ...timing });
    closers.push(() => a.close(), () => b.close());
    const onA = new RecordingPresenceHandler();
    const onB = new RecordingPresenceHandler();
    a.setHandler(onA);
    b.setHandler(onB);
    await a.connect(1, 'a1');
    await b.connect(1, 'b1');
    assert.equal(await a.connectionCount(1), 2);

    await redis.kill();
    await eventually(() => !a.health().connected, 2000, 'A to notice');
    // Nothing throws; answers come from this node's own connections.
    await a.connect(2, 'a2');
    assert.equal(await a.connectionCount(1), 1);
    assert.deepEqual(await a.online([1, 2, 3]), new Set([1, 2]));
    await a.disconnect(1, 'a1');

    await redis.start(); // empty: every node writes its connections again
    await eventually(async () => a.health().connected && (await b.connectionCount(2)) === 1, 5000, 'A resynced');
    await eventually(async () => (await a.connectionCount(1)) === 1, 5000, 'B resynced');
    assert.deepEqual(await b.online([1, 2, 3]), new Set([1, 2]));
    // User 2 came online during the outage: announced once Redis is back.
    assert.ok(onA.of(2).includes('online'));
  });

  it('presence recovers when Redis drops its scripts (SCRIPT FLUSH)', async () => {
    const redis = await server();
    const admin = await client(redis.url);
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (obj, msg) => warnings.push(`${msg ?? ''} ${JSON.stringify(obj)}`) };
    const presence = new RedisPresence({ redis: await client(redis.url), prefix: 'outage:', graceMs: 0, heartbeatMs: 100, nodeTimeoutMs: 300, logger });
    closers.push(() => presence.close());
    const handler = new RecordingPresenceHandler();
    presence.setHandler(handler);
    await presence.connect(1, 's1');
    await presence.connect(2, 's2'); // by hash now
    await admin.script('FLUSH');
    await presence.connect(3, 's3'); // NOSCRIPT: recorded locally, written by the next resync
    assert.ok(warnings.some((w) => w.includes('connect failed') && w.includes('NOSCRIPT')), warnings.join('\n'));
    await eventually(async () => (await presence.connectionCount(3)) === 1, 2000, 'user 3 written');
    await eventually(() => handler.of(3).includes('online'), 2000, 'user 3 announced');
    assert.deepEqual(await presence.online([1, 2, 3]), new Set([1, 2, 3]));
    assert.deepEqual([1, 2, 3].map((user) => handler.of(user)), [['online'], ['online'], ['online']]);
  });

  it('the rate limiter holds across nodes, and fails open to memory while Redis is down', async () => {
    const redis = await server();
    const options = { points: 3, durationSeconds: 60, keyPrefix: 'rl-outage' };
    const one = createRedisRateLimiter(await client(redis.url), options);
    const two = createRedisRateLimiter(await client(redis.url), options);
    assert.deepEqual(await one.consume('u1'), { allowed: true });
    assert.deepEqual(await two.consume('u1'), { allowed: true });
    assert.deepEqual(await one.consume('u1'), { allowed: true });
    const refused = await two.consume('u1');
    assert.equal(refused.allowed, false);

    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Chat goes on: the in-memory insurance limiter answers (the limit then holds per node).
    const started = Date.now();
    assert.deepEqual(await one.consume('u1'), { allowed: true });
    assert.ok(Date.now() - started < 100, 'no waiting for Redis');
    assert.deepEqual(await one.consume('u1'), { allowed: true });
    assert.deepEqual(await one.consume('u1'), { allowed: true });
    assert.equal((await one.consume('u1')).allowed, false, 'the insurance limiter still limits');
  });
});
