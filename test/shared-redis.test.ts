// Two hubbub deployments share one Redis server, each on its own PostgreSQL schema and its own
// Redis database (REDIS_URL …/7 and …/8), with two nodes each and no REDIS_PREFIX: they are
// apart by the default prefix alone. Both have a private room `secret` and users whose ids
// coincide. Each deployment's own traffic crosses its two nodes (the positive control); nothing
// of it — messages, membership changes, presence — ever reaches the other deployment, and every
// channel and key in Redis carries the deployment's prefix.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HubbubHttp } from '../src/client/http-client.js';
import type { HubbubSocket } from '../src/client/socket-client.js';
import type { MemberEvent, MessageEvent, PresenceEvent } from '../src/protocol/events.js';
import { TestRedis, redisServerAvailable } from './support/cluster.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { eventually, startTestServer, type TestServer } from './support/server.js';
import { signToken } from './support/tokens.js';

/** After the last expected delivery, how long an unexpected one is given to arrive. */
const QUIET_MS = 700;

const redisMissing = !redisServerAvailable();
if (redisMissing) {
  if (process.env.CI === 'true') throw new Error('redis-server is not installed: the shared-Redis tests cannot run');
  console.warn('⚠ redis-server not on PATH: shared-Redis tests skipped');
}
const databases = redisMissing ? [] : [await createTestDatabase(), await createTestDatabase()];
const [databaseA, databaseB] = databases;
const skip = redisMissing ? 'redis-server missing' : databaseA === undefined || databaseB === undefined ? 'PostgreSQL unreachable' : false;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A connected user and every event their socket received. */
interface Client {
  readonly name: string;
  readonly socket: HubbubSocket;
  readonly messages: MessageEvent[];
  readonly members: MemberEvent[];
  readonly presence: PresenceEvent[];
}

async function client(server: TestServer, name: string): Promise<Client> {
  const recorded: Client = { name, socket: await server.connect(await signToken(name)), messages: [], members: [], presence: [] };
  recorded.socket.on('message', (event) => recorded.messages.push(event));
  recorded.socket.on('member', (event) => recorded.members.push(event));
  recorded.socket.on('presence', (event) => recorded.presence.push(event));
  return recorded;
}

/** The user, created on first use of their token (the deployments accept external tokens). */
async function user(server: TestServer, name: string): Promise<{ id: number; http: HubbubHttp }> {
  const http = new HubbubHttp(server.url, await signToken(name));
  return { id: (await http.me()).id, http };
}

describe('two deployments sharing one Redis server (REDIS_URL …/7 and …/8)', { skip, timeout: 120_000 }, () => {
  let redis: TestRedis;
  const servers: TestServer[] = [];
  let a1: TestServer, a2: TestServer, b1: TestServer, b2: TestServer;
  const clients: Record<string, Client> = {};

  const node = async (database: TestDatabase, db: number): Promise<TestServer> => {
    const server = await startTestServer({ DATABASE_URL: database.url, REDIS_URL: `${redis.url}/${db}`, PRESENCE_GRACE_MS: '0' });
    servers.push(server);
    return server;
  };

  before(async () => {
    redis = await TestRedis.start();
    // The first node of each deployment migrates its schema before the second starts.
    a1 = await node(databaseA!, 7);
    a2 = await node(databaseA!, 7);
    b1 = await node(databaseB!, 8);
    b2 = await node(databaseB!, 8);
  });

  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await redis?.stop();
    await Promise.all(databases.map((database) => database?.drop()));
  });

  it('a private room of one deployment never delivers to the other, and a membership change does not cross', async () => {
    // Deployment A: alice (owner of `secret`), dave (not a member), erin (member, on the other node).
    const alice = await user(a1, 'alice');
    const dave = await user(a1, 'dave');
    await user(a2, 'erin');
    // Deployment B: bob (owner of its own `secret`), carol (invited below, on the other node).
    const bob = await user(b1, 'bob');
    const carol = await user(b2, 'carol');
    assert.equal(dave.id, carol.id, 'premise: a user of A has the id of the user B invites');

    await alice.http.createRoom('secret', 'private');
    await alice.http.invite('secret', 'erin');
    await bob.http.createRoom('secret', 'private');

    clients.alice = await client(a1, 'alice');
    clients.dave = await client(a1, 'dave');
    clients.erin = await client(a2, 'erin');
    clients.bob = await client(b1, 'bob');
    clients.carol = await client(b2, 'carol');

    // B's membership change crosses B's nodes (carol starts following `secret` on b2) …
    await bob.http.invite('secret', 'carol');
    for (let i = 1; i <= 3; i++) await clients.bob!.socket.send('secret', `B: private ${i}`);
    for (let i = 1; i <= 3; i++) await clients.alice!.socket.send('secret', `A: private ${i}`);
    await eventually(() => clients.carol!.messages.length === 3, "B's messages on B's other node");
    await eventually(() => clients.erin!.messages.length === 3, "A's messages on A's other node");
    await sleep(QUIET_MS);

    // … and nothing crossed between deployments.
    const texts = (c: Client) => c.messages.map((m) => m.text);
    assert.deepEqual(texts(clients.carol!), ['B: private 1', 'B: private 2', 'B: private 3']);
    assert.deepEqual(texts(clients.erin!), ['A: private 1', 'A: private 2', 'A: private 3']);
    for (const name of ['alice', 'dave', 'erin']) assert.deepEqual(texts(clients[name]!).filter((t) => t.startsWith('B:')), [], `${name} (A) got B's messages`);
    for (const name of ['bob', 'carol']) assert.deepEqual(texts(clients[name]!).filter((t) => t.startsWith('A:')), [], `${name} (B) got A's messages`);
    assert.deepEqual(clients.dave!.messages, [], 'dave follows no room');
    assert.deepEqual(clients.dave!.members, [], "dave was told of B's membership change");

    // B's invitation of its user `carol` did not make A's user with the same id a member.
    await assert.rejects(clients.dave!.socket.send('secret', 'A: dave writes in'), "dave wrote into A's private room");
    const stored = await alice.http.messages('secret');
    assert.deepEqual(
      stored.messages.map((m) => m.text),
      ['A: private 1', 'A: private 2', 'A: private 3'],
    );
  });

  it('presence stays within its deployment', async () => {
    // Going offline is announced across each deployment's own nodes …
    clients.bob!.socket.close();
    clients.erin!.socket.close();
    await eventually(() => clients.carol!.presence.some((p) => p.user === 'bob' && p.status === 'offline'), "bob offline on B's other node");
    await eventually(() => clients.alice!.presence.some((p) => p.user === 'erin' && p.status === 'offline'), "erin offline on A's other node");
    await sleep(QUIET_MS);
    // … and never in the other deployment.
    for (const name of ['alice', 'dave']) {
      assert.deepEqual(clients[name]!.presence.filter((p) => p.user === 'bob' || p.user === 'carol'), [], `${name} (A) saw B's presence`);
    }
    assert.deepEqual(clients.carol!.presence.filter((p) => ['alice', 'dave', 'erin'].includes(p.user)), [], "carol (B) saw A's presence");
    const membersA = await new HubbubHttp(a1.url, await signToken('alice')).members('secret');
    assert.deepEqual(membersA.map((m) => m.username).sort(), ['alice', 'erin']);
  });

  it('namespaces every Redis channel and key by deployment', async () => {
    const inspector = redis.client();
    try {
      const channels = (await inspector.call('PUBSUB', 'SHARDCHANNELS')) as string[];
      assert.ok(channels.length > 0, 'the deployments subscribe to channels');
      assert.deepEqual(channels.filter((channel) => !/^hubbub:[78]:/.test(channel)), [], "channels outside the deployments' prefixes");
      assert.ok(channels.includes('hubbub:7:room:secret') && channels.includes('hubbub:8:room:secret'));
      for (const db of [7, 8]) {
        await inspector.select(db);
        const keys = await inspector.keys('*');
        assert.ok(keys.length > 0, `database ${db} holds presence keys`);
        const prefix = `hubbub:${db}:`;
        assert.deepEqual(keys.filter((key) => !key.startsWith(prefix) && !key.startsWith(`{${prefix}presence}:`)), [], `keys in database ${db}`);
      }
    } finally {
      inspector.disconnect();
    }
  });
});
