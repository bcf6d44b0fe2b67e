/**
 * What only the Redis presence has: nodes that die without a goodbye, nodes taken for dead that
 * come back, and the goodbye itself. Small timings: heartbeat 200 ms, node timeout 600 ms.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { eventually, RecordingPresenceHandler, sleep } from '../presence-conformance.test-support.js';
import { RedisPresence } from './redis-presence.js';
import { closeClient, countSkipped, deleteKeys, redisSkipReason, SHARED_REDIS_URL, testClient, uniquePrefix } from './redis.test-support.js';

const skip = await redisSkipReason();
countSkipped(skip);

describe('RedisPresence across nodes', { skip }, () => {
  let admin: Redis;
  const clients: Redis[] = [];
  const nodes: RedisPresence[] = [];
  const prefixes: string[] = [];

  before(async () => {
    admin = await testClient(SHARED_REDIS_URL);
  });
  after(async () => {
    for (const node of nodes) await node.close();
    for (const client of clients) await closeClient(client);
    for (const prefix of prefixes) await deleteKeys(admin, `{${prefix}*`);
    await closeClient(admin);
  });

  /** A deployment: nodes sharing a fresh prefix. */
  type Timing = { heartbeatMs: number; nodeTimeoutMs: number; graceMs: number; sweepBatch?: number };
  function deployment(timing: Timing) {
    const prefix = uniquePrefix('presence');
    prefixes.push(prefix);
    return async (overrides: Partial<Timing> = {}) => {
      const redis = await testClient(SHARED_REDIS_URL);
      clients.push(redis);
      const presence = new RedisPresence({ redis, prefix, ...timing, ...overrides });
      const handler = new RecordingPresenceHandler();
      presence.setHandler(handler);
      nodes.push(presence);
      await presence.whenIdle();
      return { presence, handler, prefix };
    };
  }

  it('a node killed without a goodbye: another node announces its users offline, once', async () => {
    const node = deployment({ heartbeatMs: 200, nodeTimeoutMs: 600, graceMs: 100 });
    const a = await node();
    const b = await node();
    const c = await node();
    const [alice, bob] = [101, 102];
    await a.presence.connect(alice, 'a1');
    await a.presence.connect(bob, 'a2');
    await b.presence.connect(bob, 'b1'); // bob is also on B: he stays online
    assert.deepEqual(a.handler.of(alice), ['online']);

    const killedAt = Date.now();
    a.presence.crash();
    const all = (user: number) => [a, b, c].flatMap((n) => n.handler.of(user));
    // The last heartbeat was at most 200 ms before the crash; a sweep runs every 200 ms.
    await eventually(() => all(alice).length === 2, 600 + 200 + 500, 'alice offline');
    const took = Date.now() - killedAt;
    assert.ok(took <= 600 + 200 + 300, `offline ${took} ms after the kill`);
    assert.ok(took >= 350, `not before the node timed out (${took} ms)`);
    await sleep(700); // several more sweeps by both survivors
    assert.deepEqual(all(alice), ['online', 'offline'], 'offline announced once, by one node');
    assert.deepEqual(a.handler.of(alice), ['online'], 'not by the dead node');
    assert.deepEqual(all(bob), ['online']);
    assert.equal(await b.presence.connectionCount(bob), 1);
    assert.deepEqual(await c.presence.online([alice, bob]), new Set([bob]));
    // Reaped: the dead node's records are gone.
    assert.equal(await admin.exists(`{${a.prefix}presence}:n:${a.presence.nodeId}`), 0);
    assert.equal(await admin.sismember(`{${a.prefix}presence}:nodes`, a.presence.nodeId), 0);
  });

  it("a dead node's connections stop counting as soon as its heartbeat expires", async () => {
    const node = deployment({ heartbeatMs: 200, nodeTimeoutMs: 600, graceMs: 0 });
    const a = await node({ heartbeatMs: 5000, nodeTimeoutMs: 15_000 }); // A sweeps rarely
    const b = await node({ heartbeatMs: 5000, nodeTimeoutMs: 15_000 }); // so does B: no reaping yet
    const carol = 201;
    await a.presence.connect(carol, 'a1');
    await b.presence.connect(carol, 'b1');
    assert.equal(await b.presence.connectionCount(carol), 2);
    a.presence.crash();
    await admin.del(`{${a.prefix}presence}:hb:${a.presence.nodeId}`); // as if it had expired
    assert.equal(await b.presence.connectionCount(carol), 1);
    assert.deepEqual(await b.presence.online([carol]), new Set([carol]));
  });

  it('a user who reconnects elsewhere before the dead node is reaped stays online', async () => {
    const node = deployment({ heartbeatMs: 200, nodeTimeoutMs: 600, graceMs: 100 });
    const a = await node();
    const b = await node();
    const dave = 301;
    await a.presence.connect(dave, 'a1');
    a.presence.crash();
    await sleep(50);
    await b.presence.connect(dave, 'b1'); // the client reconnected to B at once
    await sleep(600 + 200 + 400);
    assert.deepEqual([...a.handler.of(dave), ...b.handler.of(dave)], ['online']);
    assert.equal(await b.presence.connectionCount(dave), 1);
  });

  it('a node taken for dead and reaped writes its connections again and announces them', async () => {
    const node = deployment({ heartbeatMs: 100, nodeTimeoutMs: 300, graceMs: 0 });
    const a = await node({ heartbeatMs: 1000, nodeTimeoutMs: 3000 }); // A's next heartbeat is ~1 s away
    const b = await node();
    const erin = 401;
    await a.presence.connect(erin, 'a1');
    // A stalls (say a long GC pause): its heartbeat expires and B reaps it.
    await admin.del(`{${a.prefix}presence}:hb:${a.presence.nodeId}`);
    await eventually(() => b.handler.of(erin).includes('offline'), 1000, 'offline by B');
    assert.equal(await b.presence.connectionCount(erin), 0);
    // A's next heartbeat finds it was taken for dead: it still holds erin's connection.
    await eventually(() => a.handler.of(erin).length === 2, 2000, 'online again by A');
    assert.deepEqual(a.handler.of(erin), ['online', 'online']);
    assert.equal(await b.presence.connectionCount(erin), 1);
    assert.deepEqual(await b.presence.online([erin]), new Set([erin]));
  });

  it('goodbye: users left with nothing go offline after the grace period, announced by another node', async () => {
    const node = deployment({ heartbeatMs: 100, nodeTimeoutMs: 300, graceMs: 200 });
    const a = await node();
    const b = await node();
    const [frank, gina] = [501, 502];
    await a.presence.connect(frank, 'a1');
    await a.presence.connect(gina, 'a2');
    await a.presence.close();
    // gina reconnects to B within the grace period: no flap.
    await b.presence.connect(gina, 'b1');
    assert.deepEqual(await b.presence.online([frank, gina]), new Set([frank, gina]), 'frank is in his grace period');
    await eventually(() => b.handler.of(frank).includes('offline'), 200 + 100 + 1000, 'frank offline');
    await sleep(300);
    assert.deepEqual([...a.handler.of(frank), ...b.handler.of(frank)], ['online', 'offline']);
    assert.deepEqual([...a.handler.of(gina), ...b.handler.of(gina)], ['online']);
    assert.equal(await b.presence.connectionCount(gina), 1);
    assert.equal(await admin.sismember(`{${a.prefix}presence}:nodes`, a.presence.nodeId), 0);
  });

  it('reaps a node holding many users in batches', async () => {
    const node = deployment({ heartbeatMs: 100, nodeTimeoutMs: 300, graceMs: 0 });
    const a = await node();
    const b = await node({ sweepBatch: 50 });
    const users = Array.from({ length: 260 }, (_, i) => 1000 + i);
    await Promise.all(users.map((user) => a.presence.connect(user, `s${user}`)));
    a.presence.crash();
    await eventually(() => users.every((user) => b.handler.of(user).includes('offline')), 3000, 'every user offline');
    assert.ok(users.every((user) => b.handler.of(user).length === 1));
    assert.deepEqual(await b.presence.online(users), new Set());
  });
});
