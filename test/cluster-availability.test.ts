// Availability and last seen with scale-out: two hubbub processes on one PostgreSQL database
// and a Redis this test owns. A status set on node A reaches a watcher on node B; a user
// connected on both nodes goes offline (and gets a last-seen time) only when the last
// connection anywhere closes, and that time is written once. Skipped loudly when PostgreSQL or
// redis-server is missing (failing under CI).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { HubbubHttp } from '../src/client/http-client.js';
import { HubbubSocket } from '../src/client/socket-client.js';
import type { PresenceEvent } from '../src/protocol/events.js';
import { TestNode, TestRedis, redisServerAvailable } from './support/cluster.js';
import { createTestDatabase } from './support/postgres.js';
import { WS, eventually } from './support/server.js';
import { signToken } from './support/tokens.js';

const GRACE_MS = 300;
const database = await createTestDatabase();
const redisMissing = !redisServerAvailable();
if (redisMissing && process.env.CI === 'true') throw new Error('redis-server is not installed: the scale-out tests cannot run');
const skip = database === undefined ? 'PostgreSQL unreachable' : redisMissing ? 'redis-server missing' : false;
if (redisMissing) await database?.drop();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('availability across nodes (PostgreSQL and Redis)', { skip, timeout: 120_000 }, () => {
  let redis: TestRedis;
  const nodes: TestNode[] = [];
  let db: pg.Client;

  before(async () => {
    redis = await TestRedis.start();
    const env = { DATABASE_URL: database!.url, REDIS_URL: redis.url, PRESENCE_GRACE_MS: String(GRACE_MS), SHUTDOWN_TIMEOUT_MS: '5000' };
    // One node first, so that migrations run once.
    nodes.push(await TestNode.start('node-a', env));
    nodes.push(await TestNode.start('node-b', env));
    db = new pg.Client({ connectionString: database!.url });
    await db.connect();
  });

  after(async () => {
    for (const node of nodes) if (node.stderr.length > 0) process.stderr.write(`${node.name} stderr:\n${node.stderr.slice(-4000)}\n`);
    await db?.end().catch(() => {});
    await Promise.all(nodes.map((node) => node.kill().catch(() => {})));
    await redis?.stop();
    await database?.drop();
  });

  const connect = async (node: TestNode, user: string): Promise<HubbubSocket> =>
    HubbubSocket.connect(node.wsUrl, { token: await signToken(user), WebSocket: WS });

  const lastSeenOf = async (user: string): Promise<number | null> => {
    const result = await db.query<{ last_seen_at: string | null }>('select last_seen_at from users where username = $1', [user]);
    const value = result.rows[0]?.last_seen_at;
    return value === null || value === undefined ? null : Number(value);
  };

  it('a status set on node A reaches a watcher on node B, and B’s HTTP API reports it', async () => {
    const [a, b] = nodes as [TestNode, TestNode];
    const alice = await connect(a, 'alice');
    const watcher = await connect(b, 'watcher');
    await alice.join('ops');
    await watcher.join('ops');
    const heard: PresenceEvent[] = [];
    watcher.on('presence', (e) => heard.push(e));

    await alice.setAvailability('dnd');
    await eventually(() => heard.some((e) => e.user === 'alice' && e.availability === 'dnd'), 'dnd on node B', 10_000);
    assert.deepEqual(heard.at(-1), { type: 'presence', user: 'alice', status: 'online', availability: 'dnd' });

    const http = new HubbubHttp(b.url, await signToken('watcher'));
    assert.deepEqual(await http.user('alice'), { username: 'alice', status: 'online', availability: 'dnd' });
    const members = await http.members('ops');
    assert.deepEqual(
      members.find((m) => m.username === 'alice'),
      { username: 'alice', status: 'online', availability: 'dnd' },
    );

    // A second device of alice's, on node B, starts with what she chose on A.
    const alicePhone = await connect(b, 'alice');
    assert.equal(alicePhone.welcome.availability, 'dnd');
    // And the watcher, connecting again on A, is told in its welcome.
    const watcherAgain = await connect(a, 'watcher');
    assert.deepEqual(watcherAgain.welcome.availabilities, { alice: 'dnd' });
    alice.close();
    alicePhone.close();
    watcher.close();
    watcherAgain.close();
  });

  it('records last seen once, when the last connection on any node closes', async () => {
    const [a, b] = nodes as [TestNode, TestNode];
    const onA = await connect(a, 'carol');
    const onB = await connect(b, 'carol');
    const watcher = await connect(a, 'carolwatch');
    await onA.join('carols');
    await watcher.join('carols');
    const heard: PresenceEvent[] = [];
    watcher.on('presence', (e) => heard.push(e));

    onA.close();
    await sleep(GRACE_MS + 1500); // past the grace period and the last-seen batching
    assert.equal(await lastSeenOf('carol'), null, 'still connected on node B');
    assert.ok(!heard.some((e) => e.user === 'carol' && e.status === 'offline'));

    const closedAt = Date.now();
    onB.close();
    await eventually(() => heard.some((e) => e.user === 'carol' && e.status === 'offline'), 'carol offline', 10_000);
    let seen: number | null = null;
    for (let i = 0; i < 100 && seen === null; i++) {
      await sleep(50);
      seen = await lastSeenOf('carol');
    }
    assert.ok(seen !== null && seen >= closedAt && seen <= Date.now(), `last seen ${seen}`);
    // Written by one node only: the logs of both hold one offline transition for carol.
    await sleep(500);
    assert.equal(heard.filter((e) => e.user === 'carol' && e.status === 'offline').length, 1);
    assert.equal(await lastSeenOf('carol'), seen, 'not written again');
    watcher.close();
  });
});
