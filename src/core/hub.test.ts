// Unit tests of the hub on the in-memory engines and an in-memory SQLite store, with
// connections that record what the hub writes to them.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MemoryBroker } from '../engines/memory/memory-broker.js';
import { MemoryPresence } from '../engines/memory/memory-presence.js';
import { openStore } from '../store/open-store.js';
import type { SqlStore } from '../store/sql-store.js';
import { HubError } from './errors.js';
import { Hub } from './hub.js';
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

  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    hub = new Hub(
      { store, broker: new MemoryBroker(), presence: new MemoryPresence({ graceMs: 0 }), tokens, messageLimiter: unlimited, logger: silentLogger },
      { sendBufferBytes: 64 * 1024 },
    );
    await hub.start();
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
});
