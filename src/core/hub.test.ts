// Unit tests of the hub on the in-memory engines and an in-memory SQLite store, with
// connections that record what the hub writes to them.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MemoryBroker } from '../engines/memory/memory-broker.js';
import { MemoryPresence } from '../engines/memory/memory-presence.js';
import { openStore } from '../store/open-store.js';
import type { SqlStore } from '../store/sql-store.js';
import { HubError } from './errors.js';
import { Hub, type HubDeps } from './hub.js';
import type { HubOptions } from './hub-options.js';
import { userTopic } from './broker.js';
import type { Presence } from './presence.js';
import { silentLogger } from './logger.js';
import { unlimited } from './rate-limiter.js';
import type { Session } from './session.js';
import type { TokenVerifier } from './token-verifier.js';
import type { Connection } from './transport.js';

/** A connection that keeps every frame; `backlog` stands for bytes the peer has not read. */
class RecordingConnection implements Connection {
  frames: string[] = [];
  /** What `send` was given, as given (to check that payloads are shared, not copied). */
  raw: (string | Uint8Array)[] = [];
  closedWith: { code: number; reason: string } | undefined;
  backlog = 0;

  send(frame: string | Uint8Array): void {
    this.raw.push(frame);
    this.frames.push(typeof frame === 'string' ? frame : Buffer.from(frame).toString('utf8'));
  }

  get bufferedAmount(): number {
    return this.backlog;
  }

  /** Resolves once the test sets `backlog` to 0 (the peer read everything). */
  async whenDrained(): Promise<void> {
    while (this.backlog > 0 && this.closedWith === undefined) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }

  /** Every event received, batches unpacked. */
  events(): { type: string; [key: string]: unknown }[] {
    return this.frames.flatMap((frame) => {
      const value = JSON.parse(frame) as unknown;
      return (Array.isArray(value) ? value : [value]) as { type: string }[];
    });
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  assert.ok(predicate(), 'condition not reached');
}

describe('hub (memory engines)', () => {
  let store: SqlStore;
  let hub: Hub;

  /** Tokens are "token:<username>"; the user is created on first use. */
  const tokens: TokenVerifier = {
    async verify(token) {
      const username = token.startsWith('token:') ? token.slice(6) : undefined;
      if (username === undefined) throw new HubError('unauthorized', 'bad token');
      const user = (await store.findUserByName(username)) ?? (await store.createUser(username, null, Date.now()))!;
      return { user, expiresAt: Date.now() + 60_000 };
    },
  };

  let broker: MemoryBroker;

  /** A hub on the memory engines; tests that need other engines or options build their own. */
  async function startHub(deps: Partial<HubDeps> = {}, options: Partial<HubOptions> = {}): Promise<void> {
    await (hub as Hub | undefined)?.shutdown();
    broker = new MemoryBroker();
    hub = new Hub(
      {
        store,
        broker,
        presence: new MemoryPresence({ graceMs: 0 }),
        tokens,
        limits: { message: unlimited, history: unlimited, membership: unlimited },
        roomCreationLimiter: unlimited,
        maxRoomsPerUser: 1000,
        logger: silentLogger,
        ...deps,
      },
      { sendBufferBytes: 64 * 1024, ...options },
    );
    await hub.start();
  }

  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    await startHub();
  });
  afterEach(async () => {
    await hub.shutdown();
    await store.close();
  });

  async function connect(username: string): Promise<{ session: Session; connection: RecordingConnection }> {
    const connection = new RecordingConnection();
    const session = hub.open(connection, { remoteAddress: 'test' });
    hub.receive(session, JSON.stringify({ type: 'hello', id: 'h', token: `token:${username}` }));
    await until(() => connection.events().some((e) => e.type === 'welcome'));
    return { session, connection };
  }

  function command(session: Session, value: object): void {
    hub.receive(session, JSON.stringify(value));
  }

  it('coalesces what one tick owes a connection into one frame (a JSON array)', async () => {
    const a = await connect('alice');
    const b = await connect('bob');
    command(a.session, { type: 'join', id: 'j', room: 'r' });
    command(b.session, { type: 'join', id: 'j', room: 'r' });
    await until(() => b.connection.events().some((e) => e.type === 'ack'));
    await until(() => a.connection.events().some((e) => e.type === 'ack'));
    b.connection.frames = [];
    for (let i = 0; i < 20; i++) command(a.session, { type: 'send', id: `s${i}`, room: 'r', text: `m${i}`, clientMsgId: `c${i}` });
    await until(() => b.connection.events().filter((e) => e.type === 'message').length === 20);
    // Twenty messages, committed in one group commit, reach Bob in far fewer frames.
    assert.ok(b.connection.frames.length <= 2, `expected ≤ 2 frames, got ${b.connection.frames.length}`);
    assert.ok(b.connection.frames[0]!.startsWith('['));
    assert.deepEqual(
      b.connection.events().filter((e) => e.type === 'message').map((e) => e.seq),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('commits sends that arrive together in one transaction', async () => {
    const a = await connect('carol');
    command(a.session, { type: 'join', id: 'j', room: 'batch' });
    await until(() => a.connection.events().some((e) => e.type === 'ack'));
    const original = store.appendMessages.bind(store);
    const batches: number[] = [];
    store.appendMessages = (batch) => {
      batches.push(batch.length);
      return original(batch);
    };
    for (let i = 0; i < 100; i++) command(a.session, { type: 'send', id: `s${i}`, room: 'batch', text: 'x', clientMsgId: `b${i}` });
    await until(() => a.connection.events().filter((e) => e.type === 'ack' && typeof e.seq === 'number').length === 100);
    assert.equal(batches.reduce((x, y) => x + y, 0), 100);
    assert.ok(batches.length <= 3, `100 sends took ${batches.length} transactions`);
  });

  it('disconnects a connection that does not read (4009) without holding up the others', async () => {
    const slow = await connect('slowpoke');
    const fast = await connect('speedy');
    for (const s of [slow, fast]) command(s.session, { type: 'join', id: 'j', room: 'fire' });
    await until(() => fast.connection.events().some((e) => e.type === 'ack') && slow.connection.events().some((e) => e.type === 'ack'));
    slow.connection.backlog = 10 * 1024 * 1024; // the peer stopped reading long ago
    command(fast.session, { type: 'send', id: 's', room: 'fire', text: 'are you there?', clientMsgId: 'x' });
    await until(() => fast.connection.events().some((e) => e.type === 'message'));
    await until(() => slow.connection.closedWith !== undefined);
    assert.deepEqual(slow.connection.closedWith, { code: 4009, reason: 'too slow' });
    assert.equal(slow.session.state, 'closed');
  });

  it('does not take a big burst for a slow reader: a client that reads keeps its connection', async () => {
    const a = await connect('bursty');
    const b = await connect('keeper');
    for (const s of [a, b]) command(s.session, { type: 'join', id: 'j', room: 'burst' });
    await until(() => a.connection.events().some((e) => e.type === 'ack') && b.connection.events().some((e) => e.type === 'ack'));
    // 200 × 1,000 characters in one group commit: three times the 64 KiB limit in one turn.
    const text = 'x'.repeat(1000);
    for (let i = 0; i < 200; i++) command(a.session, { type: 'send', id: `s${i}`, room: 'burst', text, clientMsgId: `burst${i}` });
    await until(() => b.connection.events().filter((e) => e.type === 'message').length === 200);
    assert.equal(a.connection.closedWith, undefined);
    assert.equal(b.connection.closedWith, undefined);
    assert.ok(b.connection.frames.length > 1, 'the burst went out in several writes');
  });

  it('serialises and encodes a broadcast once: every recipient is handed the same bytes', async () => {
    const members = await Promise.all(['m1x', 'm2x', 'm3x'].map((name) => connect(name)));
    for (const m of members) command(m.session, { type: 'join', id: 'j', room: 'same' });
    await until(() => members.every((m) => m.connection.events().some((e) => e.type === 'ack')));
    await tick();
    for (const m of members) {
      m.connection.frames = [];
      m.connection.raw = [];
    }
    command(members[0]!.session, { type: 'send', room: 'same', text: 'one', clientMsgId: 'one' });
    await until(() => members.every((m) => m.connection.events().some((e) => e.type === 'message')));
    // The two members that get only the message share one payload object; the sender's queue
    // also holds its ack, so its payload differs.
    const payloads = members.slice(1).map((m) => m.connection.raw.find((f) => f instanceof Uint8Array));
    assert.ok(payloads[0] instanceof Uint8Array);
    assert.equal(payloads[0], payloads[1]);
  });

  it('holds pipelined commands until welcome, then runs them', async () => {
    const connection = new RecordingConnection();
    const session = hub.open(connection, { remoteAddress: 'test' });
    hub.receive(session, JSON.stringify({ type: 'hello', id: 'h', token: 'token:eager' }));
    hub.receive(session, JSON.stringify({ type: 'join', id: 'j', room: 'early' }));
    await until(() => connection.events().some((e) => e.type === 'ack'));
    const types = connection.events().map((e) => e.type);
    assert.ok(types.indexOf('welcome') < types.indexOf('ack'));
  });

  it('refuses every command before hello and closes with 4001', async () => {
    const connection = new RecordingConnection();
    const session = hub.open(connection, { remoteAddress: 'test' });
    hub.receive(session, JSON.stringify({ type: 'join', id: 'j', room: 'r' }));
    await tick();
    assert.equal(connection.events()[0]!.code, 'unauthorized');
    assert.equal(connection.closedWith?.code, 4001);
  });

  it('closes with 1011 when hello fails after the token is accepted, and leaves no session behind', async () => {
    // Presence unreachable: the token is fine, setting the session up is not.
    const failing: Presence = {
      setHandler() {},
      connect: () => Promise.reject(new Error('presence down')),
      disconnect: () => Promise.resolve(),
      setAvailability: () => Promise.resolve(),
      online: () => Promise.resolve(new Set()),
      statuses: () => Promise.resolve(new Map()),
      connectionCount: () => Promise.resolve(0),
      close: () => Promise.resolve(),
    };
    await startHub({ presence: failing });
    const connection = new RecordingConnection();
    const session = hub.open(connection, { remoteAddress: 'test' });
    hub.receive(session, JSON.stringify({ type: 'hello', id: 'h', token: 'token:unlucky' }));
    hub.receive(session, JSON.stringify({ type: 'join', id: 'j', room: 'queued' }));
    await until(() => connection.closedWith !== undefined);
    assert.equal(connection.closedWith?.code, 1011);
    assert.equal(session.state, 'closed');
    const error = connection.events().find((e) => e.type === 'error');
    assert.equal(error?.code, 'unavailable');
    assert.equal(error?.id, 'h');
    // The command queued behind hello never ran.
    assert.equal(await store.findRoom('queued'), undefined);
  });

  it('closes with 1011 when the store fails while a hello loads the rooms', async () => {
    const original = store.listOwnRooms.bind(store);
    store.listOwnRooms = () => Promise.reject(new Error('database down'));
    try {
      const connection = new RecordingConnection();
      const session = hub.open(connection, { remoteAddress: 'test' });
      hub.receive(session, JSON.stringify({ type: 'hello', id: 'h', token: 'token:unlucky2' }));
      await until(() => connection.closedWith !== undefined);
      assert.equal(connection.closedWith?.code, 1011);
    } finally {
      store.listOwnRooms = original;
    }
    // The user's next connection works.
    const again = await connect('unlucky2');
    assert.equal(again.session.state, 'open');
  });

  it('never lets a membership event from the broker grant a room: membership comes from the store', async () => {
    const owner = await connect('owner1');
    const intruder = await connect('intruder');
    command(owner.session, { type: 'join', id: 'j', room: 'vault' });
    await until(() => owner.connection.events().some((e) => e.type === 'ack'));
    const vault = (await store.findRoom('vault'))!;
    const intruderId = (await store.findUserByName('intruder'))!.id;
    // A crafted "joined" on the intruder's user topic (another deployment, a forged publisher).
    await broker.publish(userTopic(intruderId), { kind: 'membership', userId: intruderId, room: 'vault', roomId: vault.id, action: 'joined', lastSeq: 0 });
    await tick();
    await tick();
    command(owner.session, { type: 'send', id: 's', room: 'vault', text: 'for members only', clientMsgId: 'v1' });
    await until(() => owner.connection.events().some((e) => e.type === 'ack' && e.id === 's'));
    command(intruder.session, { type: 'send', id: 'w', room: 'vault', text: 'let me write', clientMsgId: 'w1' });
    await until(() => intruder.connection.events().some((e) => e.id === 'w'));
    await tick();
    const seen = intruder.connection.events();
    assert.ok(!seen.some((e) => e.type === 'message'), 'the intruder received nothing of the room');
    assert.ok(!seen.some((e) => e.type === 'member'), 'nor a membership event');
    assert.equal(seen.find((e) => e.id === 'w')?.type, 'error', 'and may not write to it');
  });

  it('relays at most one typing event per user and room per interval, whatever the values', async () => {
    await startHub({}, { typingThrottleMs: 200 });
    const typist = await connect('typist');
    const reader = await connect('reader');
    for (const s of [typist, reader]) command(s.session, { type: 'join', id: 'j', room: 'keys' });
    await until(() => [typist, reader].every((s) => s.connection.events().some((e) => e.type === 'ack')));
    const started = Date.now();
    for (let i = 0; i < 500; i++) command(typist.session, { type: 'typing', room: 'keys', active: i % 2 === 0 });
    await new Promise((resolve) => setTimeout(resolve, 450));
    const relayed = reader.connection.events().filter((e) => e.type === 'typing');
    const intervals = Math.ceil((Date.now() - started) / 200) + 1;
    assert.ok(relayed.length >= 1 && relayed.length <= intervals, `${relayed.length} typing events for 500 commands`);
    // The last state the typist sent (false) is the last the reader heard.
    await until(() => reader.connection.events().filter((e) => e.type === 'typing').at(-1)?.active === false);
  });

  it('relays typing that starts again right after a message, within the same interval', async () => {
    // The message clears the typist's mark on every reader; a new `active:true` inside the
    // interval must not be taken for a repeat of the one that came before the message.
    await startHub({}, { typingThrottleMs: 200 });
    const typist = await connect('retypist');
    const reader = await connect('rereader');
    for (const s of [typist, reader]) command(s.session, { type: 'join', id: 'j', room: 'again' });
    await until(() => [typist, reader].every((s) => s.connection.events().some((e) => e.type === 'ack')));
    command(typist.session, { type: 'typing', room: 'again', active: true });
    command(typist.session, { type: 'send', id: 's', room: 'again', text: 'first line', clientMsgId: 'again-1' });
    await until(() => reader.connection.events().some((e) => e.type === 'message'));
    command(typist.session, { type: 'typing', room: 'again', active: true });
    await until(() => {
      const events = reader.connection.events();
      const message = events.findIndex((e) => e.type === 'message');
      return events.slice(message).some((e) => e.type === 'typing' && e.active === true);
    });
  });

  it('sends presence as volatile: a member who is behind skips it but still gets messages', async () => {
    const a = await connect('pres_a');
    const behind = await connect('pres_behind');
    for (const s of [a, behind]) command(s.session, { type: 'join', id: 'j', room: 'statuses' });
    await until(() => [a, behind].every((s) => s.connection.events().some((e) => e.type === 'ack')));
    await tick();
    behind.connection.frames = [];
    behind.connection.backlog = 40 * 1024; // over half of the 64 KiB buffer, under the limit
    await connect('pres_newcomer').then((n) => command(n.session, { type: 'join', id: 'j', room: 'statuses' }));
    command(a.session, { type: 'send', id: 's', room: 'statuses', text: 'hello', clientMsgId: 'p1' });
    await until(() => behind.connection.events().some((e) => e.type === 'message'));
    assert.ok(!behind.connection.events().some((e) => e.type === 'presence' || e.type === 'member'));
    // One who keeps up heard the newcomer join and come online.
    assert.ok(a.connection.events().some((e) => e.type === 'presence' && e.user === 'pres_newcomer' && e.status === 'online'));
  });

  it('cuts off a resuming client that stops reading (4009) instead of waiting for it', async () => {
    await startHub({}, { replayPageSize: 10, drainTimeoutMs: 100 });
    const writer = await connect('replay_writer');
    command(writer.session, { type: 'join', id: 'j', room: 'backlog' });
    await until(() => writer.connection.events().some((e) => e.type === 'ack'));
    for (let i = 0; i < 50; i++) command(writer.session, { type: 'send', id: `s${i}`, room: 'backlog', text: 'x'.repeat(100), clientMsgId: `r${i}` });
    await until(() => writer.connection.events().filter((e) => e.type === 'ack' && typeof e.seq === 'number').length === 50);

    const connection = new RecordingConnection();
    const session = hub.open(connection, { remoteAddress: 'test' });
    connection.backlog = 40 * 1024; // the peer reads nothing from here on
    hub.receive(session, JSON.stringify({ type: 'hello', id: 'h', token: 'token:replay_writer', resume: { backlog: 0 } }));
    await until(() => connection.closedWith !== undefined);
    assert.deepEqual(connection.closedWith, { code: 4009, reason: 'too slow' });
    assert.ok(connection.events().filter((e) => e.type === 'message').length < 50, 'cut off before the end of the replay');
  });
});
