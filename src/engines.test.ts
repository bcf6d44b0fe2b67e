/**
 * `createEngines` on the shared Redis: two deployments sharing one Redis server do not see each
 * other's publications, presence or rate-limit counts, whether they are apart by database number
 * (`REDIS_URL=…/7` and `…/8`: pub/sub ignores the database, the default prefix does not) or share
 * a database with different `REDIS_PREFIX` values. Two nodes of one deployment still share all
 * three: that is the positive control which makes each "nothing arrived" meaningful.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { Registry } from 'prom-client';
import { loadConfig } from './config/load-config.js';
import { PRESENCE_TOPIC, roomTopic, userTopic, type BrokerMessage } from './core/broker.js';
import { silentLogger } from './core/logger.js';
import { createEngines, type Engines } from './engines.js';
import { RecordingHandler, roomEvent } from './engines/broker-conformance.test-support.js';
import { RecordingPresenceHandler, sleep } from './engines/presence-conformance.test-support.js';
import { closeClient, countSkipped, deleteKeys, redisSkipReason, SHARED_REDIS_URL, testClient } from './engines/redis/redis.test-support.js';

const skip = await redisSkipReason();
countSkipped(skip);

/** How long to wait for a publication that must not arrive, after the one that must did. */
const QUIET_MS = 500;

/** The shared Redis URL with database `db` selected. */
function onDatabase(db: number): string {
  const url = new URL(SHARED_REDIS_URL);
  url.pathname = `/${db}`;
  return url.toString();
}

const runId = randomBytes(4).toString('hex');

const layouts: { title: string; a: Record<string, string>; b: Record<string, string> }[] = [
  {
    title: 'on database 7 and database 8 (default prefixes)',
    a: { REDIS_URL: onDatabase(7) },
    b: { REDIS_URL: onDatabase(8) },
  },
  {
    title: 'on one database with different REDIS_PREFIX values',
    a: { REDIS_URL: onDatabase(7), REDIS_PREFIX: `test-${runId}-a:` },
    b: { REDIS_URL: onDatabase(7), REDIS_PREFIX: `test-${runId}-b:` },
  },
];

describe('two deployments sharing one Redis server', { skip }, () => {
  const opened: Engines[] = [];
  after(async () => {
    await Promise.all(opened.map((engines) => engines.close()));
    // The rate-limit counters of this run (presence keys went with the nodes' goodbyes).
    for (const db of [7, 8]) {
      const admin = await testClient(onDatabase(db));
      await deleteKeys(admin, `*${runId}*`);
      await closeClient(admin);
    }
  });

  /** One node of a deployment, built from its environment as `hubbub serve` builds it. */
  async function node(env: Record<string, string>): Promise<Engines> {
    const config = loadConfig(
      {
        // Never connected: the engines only need a configuration that allows Redis.
        DATABASE_URL: 'postgres://unused@127.0.0.1:5432/unused',
        MESSAGE_RATE_LIMIT: '1', // 2 messages per 2 s
        AUTH_RATE_LIMIT: '2', // 2 attempts per minute
        PRESENCE_GRACE_MS: '0',
        PRESENCE_NODE_TIMEOUT_MS: '3000',
        ...env,
      },
      { envFile: false },
    );
    const engines = await createEngines(config, silentLogger, new Registry());
    opened.push(engines);
    return engines;
  }

  for (const layout of layouts) {
    describe(layout.title, () => {
      const tag = `${runId}-${layouts.indexOf(layout)}`;

      it('a publication of one deployment reaches its other node and never the other deployment', async () => {
        const [a1, a2, b] = [await node(layout.a), await node(layout.a), await node(layout.b)];
        const userId = randomInt(1_000_000, 2_000_000_000);
        const topics = [roomTopic(`secret-${tag}`), userTopic(userId), PRESENCE_TOPIC];
        const handlers = { a2: new RecordingHandler(), b: new RecordingHandler() };
        a2.broker.setHandler(handlers.a2);
        b.broker.setHandler(handlers.b);
        for (const topic of topics) {
          await a2.broker.subscribe(topic);
          await b.broker.subscribe(topic);
        }
        // What a hub publishes: a private room's message, a membership change (which makes a
        // node's sessions follow a room) and a presence change.
        const sent: Record<string, BrokerMessage> = {
          [topics[0]!]: roomEvent(`secret-${tag}`, 1, JSON.stringify({ type: 'message', text: `private ${tag}` })),
          [topics[1]!]: { kind: 'membership', userId, room: `secret-${tag}`, roomId: 1, action: 'joined', lastSeq: 0 },
          [PRESENCE_TOPIC]: { kind: 'presence', userId, username: `user-${tag}`, status: 'online', rooms: [`secret-${tag}`] },
        };
        const ours = (handler: RecordingHandler) => handler.received.filter(({ message }) => Object.values(sent).some((m) => isDeepStrictEqual(m, message)));

        for (const [topic, message] of Object.entries(sent)) await a1.broker.publish(topic, message);
        await handlers.a2.until(() => ours(handlers.a2).length === 3, 5000, "deployment A's other node to receive all three");
        await sleep(QUIET_MS);
        assert.deepEqual(ours(handlers.b), [], 'deployment B received deployment A traffic');

        // And the other way round: B's own publications do not reach A.
        for (const [topic, message] of Object.entries(sent)) await b.broker.publish(topic, message);
        await sleep(QUIET_MS);
        assert.equal(ours(handlers.a2).length, 3, 'deployment A received deployment B traffic');
      });

      it("presence of one deployment is not the other's", async () => {
        const [a1, a2, b] = [await node(layout.a), await node(layout.a), await node(layout.b)];
        const userId = randomInt(1_000_000, 2_000_000_000);
        const handlers = { a1: new RecordingPresenceHandler(), b: new RecordingPresenceHandler() };
        a1.presence.setHandler(handlers.a1);
        b.presence.setHandler(handlers.b);

        await a1.presence.connect(userId, 'a-session');
        assert.deepEqual(handlers.a1.changes.map((c) => c.status), ['online']);
        assert.deepEqual([...(await a2.presence.online([userId]))], [userId], "A's other node sees the user online");
        assert.deepEqual([...(await b.presence.online([userId]))], [], "B saw A's user online");
        assert.equal(await b.presence.connectionCount(userId), 0, "B counted A's connections");

        // The same user id connecting in B is B's first connection of it: B announces it.
        await b.presence.connect(userId, 'b-session');
        assert.deepEqual(handlers.b.changes.map((c) => c.status), ['online'], 'B announced its own user online');
        assert.equal(await a2.presence.connectionCount(userId), 1, "A counted B's connections");

        await b.presence.disconnect(userId, 'b-session');
        assert.deepEqual([...(await a2.presence.online([userId]))], [userId], "B's disconnect changed A's presence");
        await a1.presence.disconnect(userId, 'a-session');
      });

      it("rate-limit counts of one deployment do not use up the other's", async () => {
        const [a1, a2, b] = [await node(layout.a), await node(layout.a), await node(layout.b)];
        for (const limiter of ['auth', 'send'] as const) {
          const key = `${limiter}-${tag}`;
          // Two attempts per minute, as each node builds the limit from the same settings.
          const [onA1, onA2, onB] = [a1, a2, b].map((engines) => engines.limiter(limiter, 2, 60));
          assert.deepEqual(await onA1!.consume(key), { allowed: true });
          assert.deepEqual(await onA1!.consume(key), { allowed: true });
          assert.equal((await onA2!.consume(key)).allowed, false, `${limiter}: A's nodes share one count`);
          assert.deepEqual(await onB!.consume(key), { allowed: true }, `${limiter}: A's count was B's`);
          assert.deepEqual(await onB!.consume(key), { allowed: true }, `${limiter}: A's count was B's`);
        }
      });
    });
  }
});
