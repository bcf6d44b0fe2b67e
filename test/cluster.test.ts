// Scale-out: three hubbub processes on one database and a Redis this test owns, once on
// PostgreSQL and once on MySQL (MariaDB). Events cross nodes as on one node; a node killed with
// SIGKILL, a Redis outage and database connections cut under load lose nothing acknowledged and
// leave no client with a gap or a duplicate. A database server that is unreachable, or a missing
// redis-server, is skipped loudly (failing under CI).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import pg from 'pg';
import { HubbubHttp } from '../src/client/http-client.js';
import { HubbubSocket } from '../src/client/socket-client.js';
import type { MemberEvent, MessageEvent, PresenceEvent, ReceiptEvent, TypingEvent } from '../src/protocol/events.js';
import { TestNode, TestRedis, redisServerAvailable } from './support/cluster.js';
import { createTestMysqlDatabase } from './support/mysql.js';
import { createTestDatabase } from './support/postgres.js';
import { WS, eventually } from './support/server.js';
import { signToken } from './support/tokens.js';

const NODE_TIMEOUT_MS = 3000;
const GRACE_MS = 300;

/** Cuts a node's database connections from the server side, as a failover or an operator would. */
interface ConnectionCutter {
  /** Cuts them; resolves with how many were cut. */
  cut(): Promise<number>;
  close(): Promise<void>;
}

/** A database server the cluster runs on: its throw-away database, and how to reach and cut it. */
interface ClusterDatabase {
  readonly name: string;
  readonly database: { url: string; drop(): Promise<void> } | undefined;
  /** The DATABASE_URL of node `index`. */
  nodeUrl(index: number): string;
  /** A connection that cuts node `index`'s connections to the database. */
  cutter(index: number): Promise<ConnectionCutter>;
}

const postgres = await createTestDatabase();
const mysql = await createTestMysqlDatabase();

const databases: ClusterDatabase[] = [
  {
    name: 'PostgreSQL',
    database: postgres,
    // The node's name on its connections, so that the test cuts that node's alone.
    nodeUrl: (index) => `${postgres!.url}&application_name=cluster-node${index}`,
    async cutter(index) {
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' });
      await admin.connect();
      return {
        async cut() {
          const result = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`cluster-node${index}`]);
          return result.rowCount ?? 0;
        },
        close: () => admin.end(),
      };
    },
  },
  {
    name: 'MySQL',
    database: mysql,
    nodeUrl: () => mysql!.url,
    // MySQL has no per-connection name short of performance_schema (off by default on
    // MariaDB): every connection to the test's database is cut, the node's among them.
    async cutter() {
      // On no database, so that the admin connection is not one of those it cuts.
      const url = new URL(mysql!.url);
      url.pathname = '/';
      const admin = await createConnection({ uri: url.toString() });
      return {
        async cut() {
          const [rows] = await admin.query<RowDataPacket[]>('select id from information_schema.processlist where db = ?', [mysql!.name]);
          let cuts = 0;
          for (const row of rows) {
            try {
              await admin.query(`kill connection ${Number(row.id)}`);
              cuts++;
            } catch (error) {
              // ER_NO_SUCH_THREAD: the connection closed between the listing and the kill.
              if ((error as { errno?: number }).errno !== 1094) throw error;
            }
          }
          return cuts;
        },
        close: () => admin.end(),
      };
    },
  },
];

const redisMissing = !redisServerAvailable();
if (redisMissing) {
  if (process.env.CI === 'true') throw new Error('redis-server is not installed: the scale-out tests cannot run');
  console.warn('⚠ redis-server is not installed: skipping the scale-out tests');
  // Nothing will run on them.
  await Promise.all(databases.map((target) => target.database?.drop()));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client that keeps, per room, every seq it received, and reconnects with `resume` to the
 * next node when its connection drops — as the SDK does — checking for gaps and duplicates.
 */
class Follower {
  readonly seqs = new Map<string, number[]>();
  readonly problems: string[] = [];
  socket: HubbubSocket | undefined;
  reconnects = 0;
  #stopped = false;

  constructor(
    readonly name: string,
    readonly token: string,
    readonly nodes: () => TestNode[],
    public node: number,
  ) {}

  async connect(): Promise<void> {
    const resume: Record<string, number> = {};
    for (const [room, list] of this.seqs) resume[room] = list.at(-1) ?? 0;
    for (let attempt = 0; ; attempt++) {
      const node = this.nodes()[this.node % this.nodes().length]!;
      try {
        this.socket = await HubbubSocket.connect(node.wsUrl, { token: this.token, WebSocket: WS, resume, listeners: { message: (m) => this.#record(m) } });
        break;
      } catch (error) {
        if (attempt > 20) throw error;
        this.node++; // that node is gone: try the next one
        await sleep(100);
      }
    }
    void this.socket.closed.then(async () => {
      if (this.#stopped) return;
      this.node++;
      this.reconnects++;
      await this.connect();
    });
  }

  async join(room: string): Promise<void> {
    const ack = await this.socket!.join(room);
    if (!this.seqs.has(room)) this.seqs.set(room, []);
    // Messages already in the room before the join are history, not a gap.
    if (this.seqs.get(room)!.length === 0) this.seqs.set(room, ack.lastSeq! > 0 ? [ack.lastSeq!] : []);
  }

  last(room: string): number {
    return this.seqs.get(room)?.at(-1) ?? 0;
  }

  stop(): void {
    this.#stopped = true;
    this.socket?.close();
  }

  #record(message: MessageEvent): void {
    const list = this.seqs.get(message.room) ?? [];
    this.seqs.set(message.room, list);
    const last = list.at(-1) ?? 0;
    if (message.seq !== last + 1) this.problems.push(`${message.room}: ${message.seq} after ${last}`);
    list.push(message.seq);
  }
}

/** Sends `count` messages, retrying each with its clientMsgId until it is acknowledged. */
async function sendAll(
  socket: () => HubbubSocket,
  room: string,
  count: number,
  label: string,
  acked: Set<string>,
  pause = 2,
): Promise<{ unavailable: number }> {
  let unavailable = 0;
  for (let i = 0; i < count; i++) {
    const clientMsgId = `${label}-${i}`;
    for (let attempt = 0; ; attempt++) {
      try {
        await socket().send(room, `${label} ${i}`, clientMsgId);
        acked.add(clientMsgId);
        break;
      } catch (error) {
        if ((error as { code?: string }).code === 'unavailable') unavailable++;
        if (attempt > 200) throw error;
        await sleep(20);
      }
    }
    if (pause > 0) await sleep(pause);
  }
  return { unavailable };
}

for (const target of databases) {
  const { database } = target;
  const skip = database === undefined ? `${target.name} unreachable` : redisMissing ? 'redis-server missing' : false;

  describe(`scale-out on ${target.name} and Redis`, { skip, timeout: 300_000 }, () => {
    let redis: TestRedis;
    let nodes: TestNode[];
    const started: TestNode[] = [];

    const startNode = async (index: number): Promise<TestNode> => {
      const node = await TestNode.start(`node${index}`, {
        DATABASE_URL: target.nodeUrl(index),
        REDIS_URL: redis.url,
        PRESENCE_GRACE_MS: String(GRACE_MS),
        PRESENCE_NODE_TIMEOUT_MS: String(NODE_TIMEOUT_MS),
        SHUTDOWN_TIMEOUT_MS: '5000',
      });
      started.push(node);
      return node;
    };

    before(async () => {
      redis = await TestRedis.start();
      // One node first, so that migrations run once; then the other two.
      const first = await startNode(0);
      nodes = [first, ...(await Promise.all([startNode(1), startNode(2)]))];
    });

    after(async () => {
      for (const node of started) if (node.stderr.length > 0) console.warn(`${node.name} stderr:\n${node.stderr.slice(-4000)}`);
      await Promise.all(started.map((node) => node.kill().catch(() => {})));
      await redis.stop();
      await database!.drop();
    });

    const token = (user: string): Promise<string> => signToken(user);

    it('carries messages, typing, receipts, membership and presence between nodes', async () => {
      const [alice, bob, carol] = await Promise.all(
        (['alice', 'bob', 'carol'] as const).map(async (name, i) => HubbubSocket.connect(nodes[i]!.wsUrl, { token: await token(name), WebSocket: WS })),
      );
      const seen = { member: [] as MemberEvent[], typing: [] as TypingEvent[], receipt: [] as ReceiptEvent[], presence: [] as PresenceEvent[] };
      const messages = { bob: [] as MessageEvent[], carol: [] as MessageEvent[] };
      alice!.on('member', (e) => seen.member.push(e));
      carol!.on('typing', (e) => seen.typing.push(e));
      alice!.on('receipt', (e) => seen.receipt.push(e));
      alice!.on('presence', (e) => seen.presence.push(e));
      bob!.on('message', (m) => messages.bob.push(m));
      carol!.on('message', (m) => messages.carol.push(m));

      await alice!.join('crossroads');
      await bob!.join('crossroads');
      await carol!.join('crossroads');
      await eventually(() => seen.member.filter((e) => e.user !== 'alice').length === 2, 'member events from the other nodes');
      assert.deepEqual(seen.member.filter((e) => e.user !== 'alice').map((e) => e.user), ['bob', 'carol']);

      for (let i = 1; i <= 20; i++) await alice!.send('crossroads', `hello ${i}`);
      await eventually(() => messages.bob.length === 20 && messages.carol.length === 20, 'messages on the other nodes');
      assert.deepEqual(messages.carol.map((m) => m.seq), Array.from({ length: 20 }, (_, i) => i + 1));

      bob!.typing('crossroads', true);
      await eventually(() => seen.typing.length === 1, 'typing from another node');
      assert.deepEqual(seen.typing[0], { type: 'typing', room: 'crossroads', user: 'bob', active: true });

      await carol!.read('crossroads', 20);
      await eventually(() => seen.receipt.length === 1, 'a receipt from another node');
      assert.equal(seen.receipt[0]!.user, 'carol');

      // A direct message to a user connected elsewhere reaches them without a reconnect.
      const dms: MessageEvent[] = [];
      carol!.on('message', (m) => {
        if (m.room.startsWith('dm:')) dms.push(m);
      });
      await bob!.sendDirect('carol', 'psst');
      await eventually(() => dms.length === 1, 'a direct message across nodes');

      bob!.close();
      await eventually(() => seen.presence.some((e) => e.user === 'bob' && e.status === 'offline'), 'bob offline on another node', 10_000);
      await sleep(500);
      assert.equal(seen.presence.filter((e) => e.user === 'bob' && e.status === 'offline').length, 1, 'announced once');
      alice!.close();
      carol!.close();
    });

    it('subscribes a node only to rooms it has members of', async () => {
      const inspector = redis.client();
      try {
        const loner = await HubbubSocket.connect(nodes[0]!.wsUrl, { token: await token('loner'), WebSocket: WS });
        await loner.join('lonely-room');
        // The room's channel under the default prefix for database 0, `hubbub:0:`.
        const [, subscribers] = (await inspector.call('PUBSUB', 'SHARDNUMSUB', 'hubbub:0:room:lonely-room')) as [string, number];
        assert.equal(subscribers, 1, 'only the node with a member subscribes');
        await loner.leave('lonely-room');
        await sleep(200); // the unsubscribe is sent after the leave is acknowledged
        const [, after] = (await inspector.call('PUBSUB', 'SHARDNUMSUB', 'hubbub:0:room:lonely-room')) as [string, number];
        assert.equal(after, 0, 'unsubscribed when its last member left');
        loner.close();
      } finally {
        inspector.disconnect();
      }
    });

    it('survives a node killed with SIGKILL: clients resume elsewhere; its users go offline once, in time', async () => {
      const victim = nodes[2]!;
      const sender = new Follower('killsender', await token('killsender'), () => nodes, 0);
      const moving = new Follower('mover', await token('mover'), () => nodes, 2);
      const steady = new Follower('steady', await token('steady'), () => nodes, 1);
      for (const f of [sender, moving, steady]) {
        await f.connect();
        await f.join('kill-room');
      }
      const watcher = await HubbubSocket.connect(nodes[0]!.wsUrl, { token: await token('watcher'), WebSocket: WS });
      await watcher.join('kill-room');
      const stranded = await HubbubSocket.connect(victim.wsUrl, { token: await token('stranded'), WebSocket: WS });
      await stranded.join('kill-room');
      const presence: { event: PresenceEvent; at: number }[] = [];
      watcher.on('presence', (event) => presence.push({ event, at: Date.now() }));

      const acked = new Set<string>();
      const sending = sendAll(() => sender.socket!, 'kill-room', 300, 'k', acked);
      await sleep(300);
      const killedAt = Date.now();
      await victim.kill();
      nodes = nodes.filter((n) => n !== victim);
      await sending;

      await eventually(() => [moving, steady].every((f) => f.last('kill-room') === sender.last('kill-room')), 'everyone caught up', 20_000);
      for (const f of [moving, steady]) assert.deepEqual(f.problems, [], `${f.name}: gap or duplicate`);
      assert.ok(moving.reconnects >= 1, 'the moved client reconnected to another node');

      await eventually(() => presence.some((p) => p.event.user === 'stranded' && p.event.status === 'offline'), 'stranded offline', 15_000);
      const offline = presence.filter((p) => p.event.user === 'stranded' && p.event.status === 'offline');
      const tookMs = offline[0]!.at - killedAt;
      assert.ok(tookMs <= NODE_TIMEOUT_MS + 2 * (NODE_TIMEOUT_MS / 3) + 1500, `offline after ${tookMs} ms`);
      await sleep(1500);
      assert.equal(presence.filter((p) => p.event.user === 'stranded' && p.event.status === 'offline').length, 1, 'once');
      assert.ok(!presence.some((p) => p.event.user === 'mover' && p.event.status === 'offline'), 'a user who moved in time never went offline');
      for (const f of [sender, moving, steady]) f.stop();
      watcher.close();
    });

    it('keeps serving through a Redis outage and repairs every room after it', async () => {
      const [a, b] = nodes as [TestNode, TestNode];
      const senderA = new Follower('outage-a', await token('outage_a'), () => nodes, nodes.indexOf(a));
      const senderB = new Follower('outage-b', await token('outage_b'), () => nodes, nodes.indexOf(b));
      const readerA = new Follower('reader-a', await token('reader_a'), () => nodes, nodes.indexOf(a));
      const readerB = new Follower('reader-b', await token('reader_b'), () => nodes, nodes.indexOf(b));
      for (const f of [senderA, senderB, readerA, readerB]) {
        await f.connect();
        await f.join('outage-room');
      }
      const acked = new Set<string>();
      const sendingA = sendAll(() => senderA.socket!, 'outage-room', 150, 'oa', acked, 15);
      const sendingB = sendAll(() => senderB.socket!, 'outage-room', 150, 'ob', acked, 15);
      await sleep(500);
      await redis.stop();
      const duringBefore = readerA.last('outage-room');
      await sleep(3000);
      const duringAfter = readerA.last('outage-room');
      assert.ok(duringAfter > duringBefore, 'same-node delivery went on while Redis was down');
      const ready = await fetch(`${a.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.equal(((await ready.json()) as { status: string }).status, 'degraded');
      await redis.start();
      await Promise.all([sendingA, sendingB]);
      const lastSeq = Math.max(senderA.last('outage-room'), senderB.last('outage-room'));
      await eventually(() => [readerA, readerB, senderA, senderB].every((f) => f.last('outage-room') === lastSeq), 'every client holds every message', 20_000);
      for (const f of [readerA, readerB, senderA, senderB]) {
        assert.deepEqual(f.problems, [], `${f.name}: gap or duplicate`);
        assert.equal(f.reconnects, 0, `${f.name} kept its connection`);
      }
      assert.equal(acked.size, 300);
      for (let i = 0; i < 50; i++) {
        if ((await fetch(`${a.url}/readyz`)).status === 200) break;
        await sleep(100);
      }
      assert.equal((await fetch(`${a.url}/readyz`)).status, 200);
      for (const f of [senderA, senderB, readerA, readerB]) f.stop();
    });

    it(`answers unavailable while its ${target.name} connections are cut, and stores every acknowledged message once`, async () => {
      const node = nodes[0]!;
      const index = Number(node.name.replace('node', ''));
      const room = 'cut-room';
      const sender = new Follower('dbcut', await token('dbcut'), () => nodes, 0);
      await sender.connect();
      await sender.join(room);
      const cutter = await target.cutter(index);
      try {
        const acked = new Set<string>();
        const sending = sendAll(() => sender.socket!, room, 200, 'dc', acked, 3);
        let cuts = 0;
        for (let i = 0; i < 5; i++) {
          await sleep(150);
          cuts += await cutter.cut();
        }
        const { unavailable } = await sending;
        assert.ok(cuts > 0, 'connections were cut');
        assert.equal(acked.size, 200);
        const http = new HubbubHttp(node.url, await token('dbcut'));
        const stored: string[] = [];
        let afterSeq = 0;
        for (;;) {
          const page = await http.messages(room, { after: afterSeq, limit: 200 });
          stored.push(...page.messages.map((m) => m.clientMsgId));
          if (!page.hasMore) break;
          afterSeq = page.messages.at(-1)!.seq;
        }
        assert.equal(stored.length, 200, `each acknowledged message stored once (${unavailable} sends answered unavailable first)`);
        assert.deepEqual(new Set(stored), acked);
      } finally {
        await cutter.close();
        sender.stop();
      }
    });

    it('drains on SIGTERM: clients get 1001 and resume on another node without a gap', async () => {
      const leaving = nodes.at(-1)!;
      const sender = new Follower('drainsender', await token('drainsender'), () => nodes, 0);
      const reader = new Follower('drainreader', await token('drainreader'), () => nodes, nodes.indexOf(leaving));
      await sender.connect();
      await reader.connect();
      await sender.join('drain-room');
      await reader.join('drain-room');
      const closes: number[] = [];
      void reader.socket!.closed.then((c) => closes.push(c.code));
      const acked = new Set<string>();
      const sending = sendAll(() => sender.socket!, 'drain-room', 150, 'd', acked);
      await sleep(200);
      assert.equal(await leaving.stop(), 0, 'a graceful stop exits 0');
      nodes = nodes.filter((n) => n !== leaving);
      await sending;
      await eventually(() => reader.last('drain-room') === sender.last('drain-room'), 'the reader caught up on another node', 15_000);
      assert.deepEqual(closes, [1001]);
      assert.deepEqual(reader.problems, []);
      sender.stop();
      reader.stop();
    });
  });
}
