// The `status` command, availability on presence events and in `welcome`, and last-seen
// recording, on the hub with the memory engines and an in-memory SQLite store.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MemoryBroker } from '../engines/memory/memory-broker.js';
import { MemoryPresence } from '../engines/memory/memory-presence.js';
import { openStore } from '../store/open-store.js';
import type { SqlStore } from '../store/sql-store.js';
import { HubError } from './errors.js';
import { Hub } from './hub.js';
import type { HubOptions } from './hub-options.js';
import { silentLogger } from './logger.js';
import { unlimited } from './rate-limiter.js';
import type { Session } from './session.js';
import type { LastSeen } from './store.js';
import type { TokenVerifier } from './token-verifier.js';
import type { Connection } from './transport.js';

type Event = { type: string; [key: string]: unknown };

class RecordingConnection implements Connection {
  frames: string[] = [];
  closedWith: { code: number; reason: string } | undefined;
  readonly bufferedAmount = 0;

  send(frame: string | Uint8Array): void {
    this.frames.push(typeof frame === 'string' ? frame : Buffer.from(frame).toString('utf8'));
  }

  whenDrained(): Promise<void> {
    return Promise.resolve();
  }

  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }

  events(): Event[] {
    return this.frames.flatMap((frame) => {
      const value = JSON.parse(frame) as unknown;
      return (Array.isArray(value) ? value : [value]) as Event[];
    });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(predicate: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 1000 && !predicate(); i++) await sleep(2);
  assert.ok(predicate(), `${what} not reached`);
}

describe('availability and last seen (hub, memory engines)', () => {
  let store: SqlStore;
  let hub: Hub;
  let presence: MemoryPresence;
  /** Every `recordLastSeen` call the hub made. */
  let lastSeenWrites: LastSeen[][];
  let now = 1_700_000_000_000;

  const tokens: TokenVerifier = {
    async verify(token) {
      const username = token.startsWith('token:') ? token.slice(6) : undefined;
      if (username === undefined) throw new HubError('unauthorized', 'bad token');
      const user = (await store.findUserByName(username)) ?? (await store.createUser(username, null, Date.now()))!;
      return { user, expiresAt: Date.now() + 60_000 };
    },
  };

  async function startHub(options: Partial<HubOptions> = {}): Promise<void> {
    presence = new MemoryPresence({ graceMs: 0 });
    hub = new Hub(
      {
        store,
        broker: new MemoryBroker(),
        presence,
        tokens,
        limits: { message: unlimited, history: unlimited, membership: unlimited },
        roomCreationLimiter: unlimited,
        maxRoomsPerUser: 1000,
        logger: silentLogger,
        clock: () => now,
      },
      { sendBufferBytes: 64 * 1024, lastSeenFlushMs: 0, ...options },
    );
    await hub.start();
  }

  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    lastSeenWrites = [];
    // Counting last-seen writes (the store's private fields rule out a wrapper object).
    const record = store.recordLastSeen.bind(store);
    store.recordLastSeen = (entries) => {
      lastSeenWrites.push([...entries]);
      return record(entries);
    };
    await startHub();
  });
  afterEach(async () => {
    await hub.shutdown();
    await presence.close();
    await store.close();
  });

  async function connect(username: string): Promise<{ session: Session; connection: RecordingConnection; welcome: Event }> {
    const connection = new RecordingConnection();
    const session = hub.open(connection, { remoteAddress: 'test' });
    hub.receive(session, JSON.stringify({ type: 'hello', id: 'h', token: `token:${username}` }));
    await until(() => connection.events().some((e) => e.type === 'welcome'), 'welcome');
    return { session, connection, welcome: connection.events().find((e) => e.type === 'welcome')! };
  }

  function command(session: Session, value: object): void {
    hub.receive(session, JSON.stringify(value));
  }

  async function answer(c: { connection: RecordingConnection }, id: string): Promise<Event> {
    await until(() => c.connection.events().some((e) => e.id === id), `an answer to ${id}`);
    return c.connection.events().find((e) => e.id === id)!;
  }

  async function joinAll(room: string, ...clients: { session: Session; connection: RecordingConnection }[]): Promise<void> {
    for (const [i, c] of clients.entries()) {
      command(c.session, { type: 'join', id: `join-${room}-${i}`, room });
      await answer(c, `join-${room}-${i}`);
    }
  }

  const presenceOf = (c: { connection: RecordingConnection }, user: string): Event[] =>
    c.connection.events().filter((e) => e.type === 'presence' && e.user === user);

  it('refuses a bad availability with a typed error and keeps the connection', async () => {
    const alice = await connect('alice');
    command(alice.session, { type: 'status', id: 'bad', availability: 'asleep' });
    const error = await answer(alice, 'bad');
    assert.equal(error.type, 'error');
    assert.equal(error.code, 'invalid_request');
    command(alice.session, { type: 'status', id: 'missing' });
    assert.equal((await answer(alice, 'missing')).code, 'invalid_request');
    command(alice.session, { type: 'status', id: 'extra', availability: 'away', mood: 'meh' });
    assert.equal((await answer(alice, 'extra')).code, 'invalid_request');
    assert.equal(alice.connection.closedWith, undefined);
    command(alice.session, { type: 'ping', id: 'p' });
    assert.equal((await answer(alice, 'p')).type, 'pong');
    assert.equal((await store.findUserByName('alice'))?.availability, 'active', 'nothing stored');
  });

  it('stores the availability, acks it, and tells co-members and the user’s other devices', async () => {
    const alice = await connect('alice');
    const alicePhone = await connect('alice');
    const bob = await connect('bob');
    const stranger = await connect('stranger');
    await joinAll('team', alice, bob);
    command(alice.session, { type: 'status', id: 's', availability: 'dnd' });
    const ack = await answer(alice, 's');
    assert.deepEqual(ack, { type: 'ack', id: 's', availability: 'dnd' });
    assert.equal((await store.findUserByName('alice'))?.availability, 'dnd');
    await until(() => presenceOf(bob, 'alice').some((e) => e.availability === 'dnd'), 'bob hears dnd');
    assert.deepEqual(presenceOf(bob, 'alice').at(-1), { type: 'presence', user: 'alice', status: 'online', availability: 'dnd' });
    await until(() => presenceOf(alicePhone, 'alice').some((e) => e.availability === 'dnd'), 'alice’s other device hears it');
    await sleep(20);
    assert.deepEqual(presenceOf(stranger, 'alice'), [], 'no room shared: nothing');
  });

  it('broadcasts at most once per interval, the last choice last', async () => {
    await startHub({ statusThrottleMs: 200 });
    const alice = await connect('alice');
    const bob = await connect('bob');
    await joinAll('team', alice, bob);
    await sleep(20);
    const before = presenceOf(bob, 'alice').length; // alice coming to share the room with bob
    const values = ['away', 'dnd', 'active', 'away', 'dnd', 'away'] as const;
    for (const [i, availability] of values.entries()) command(alice.session, { type: 'status', id: `s${i}`, availability });
    await answer(alice, `s${values.length - 1}`);
    await sleep(450);
    const heard = presenceOf(bob, 'alice').length - before;
    // The leading edge, then at most one per 200 ms interval.
    assert.ok(heard >= 1 && heard <= 3, `${heard} broadcasts for ${values.length} changes`);
    assert.equal(presenceOf(bob, 'alice').at(-1)?.availability, 'away');
    assert.equal((await store.findUserByName('alice'))?.availability, 'away');
  });

  it('welcome carries the caller’s stored availability and that of the online users it lists', async () => {
    const alice = await connect('alice');
    command(alice.session, { type: 'status', id: 's', availability: 'away' });
    await answer(alice, 's');
    const bob = await connect('bob');
    await joinAll('team', alice, bob);
    // Alice again, on a new connection: she stays away, and sees bob active.
    const again = await connect('alice');
    assert.equal(again.welcome.availability, 'away');
    assert.deepEqual(again.welcome.online, ['bob']);
    assert.deepEqual(again.welcome.availabilities, { bob: 'active' });
    const bobAgain = await connect('bob');
    assert.deepEqual(bobAgain.welcome.availabilities, { alice: 'away' });
    assert.equal(bobAgain.welcome.availability, 'active');
  });

  it('a user who comes online is announced with the availability they chose before', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    await joinAll('team', alice, bob);
    command(alice.session, { type: 'status', id: 's', availability: 'dnd' });
    await answer(alice, 's');
    alice.session.close(1000, 'bye');
    await until(() => presenceOf(bob, 'alice').some((e) => e.status === 'offline'), 'offline');
    assert.equal(presenceOf(bob, 'alice').at(-1)?.availability, undefined, 'offline carries no availability');
    await connect('alice');
    await until(() => presenceOf(bob, 'alice').at(-1)?.status === 'online', 'online again');
    assert.equal(presenceOf(bob, 'alice').at(-1)?.availability, 'dnd');
  });

  it('records last seen once when the last connection closes, not while another is open', async () => {
    const first = await connect('carol');
    const second = await connect('carol');
    const carol = (await store.findUserByName('carol'))!;
    now += 60_000;
    first.session.close(1000, 'bye');
    await sleep(30);
    await hub.flushLastSeen();
    assert.deepEqual(lastSeenWrites, [], 'still connected on the second');
    assert.equal((await store.findUserById(carol.id))?.lastSeenAt, null);
    now += 60_000;
    second.session.close(1000, 'bye');
    await until(() => lastSeenWrites.length > 0, 'a last-seen write');
    await hub.flushLastSeen();
    assert.deepEqual(lastSeenWrites, [[{ userId: carol.id, at: now }]]);
    assert.equal((await store.findUserById(carol.id))?.lastSeenAt, now);
  });

  it('messages write no last-seen time', async () => {
    const dave = await connect('dave');
    await joinAll('talk', dave);
    for (let i = 0; i < 5; i++) command(dave.session, { type: 'send', id: `m${i}`, room: 'talk', text: `hi ${i}`, clientMsgId: `m${i}` });
    await answer(dave, 'm4');
    await hub.flushLastSeen();
    assert.deepEqual(lastSeenWrites, []);
  });
});
