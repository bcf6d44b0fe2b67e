// Several writers appending to the same rooms at once: PostgreSQL and MySQL through two
// SqlStore instances with separate pools (as two server processes would), SQLite through two child
// processes on one WAL file. Whatever the interleaving, every room's seqs must come out as
// exactly 1..N, each (room, sender, clientMsgId) stored once, and both writers must agree on
// the seq of a message they both sent.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppendResult, NewMessage, RoomRecord, UserRecord } from '../core/store.js';
import { createTestDatabase } from '../../test/support/postgres.js';
import { createTestMysqlDatabase } from '../../test/support/mysql.js';
import { openStore } from './open-store.js';
import type { SqlStore } from './sql-store.js';

const BATCHES = 20;
const BATCH_SIZE = 50;
const SHARED_PER_BATCH = 10;

interface Fixture {
  readonly rooms: RoomRecord[];
  readonly shared: UserRecord;
  readonly own: Record<'a' | 'b', UserRecord>;
}

async function createFixture(store: SqlStore): Promise<Fixture> {
  const rooms = await Promise.all(['c1', 'c2', 'c3'].map((key) => store.findOrCreateRoom(key, 'public', 1)));
  const [shared, a, b] = await Promise.all(['shared', 'writer_a', 'writer_b'].map((name) => store.createUser(name, null, 1)));
  return { rooms, shared: shared!, own: { a: a!, b: b! } };
}

/**
 * Writer `side`'s batches: the first SHARED_PER_BATCH messages of batch i are also sent by the
 * other writer (same room, sender and clientMsgId); B's batches run in reverse order, so the
 * two writers reach the rooms in different orders.
 */
function batchesFor(side: 'a' | 'b', fixture: Fixture): NewMessage[][] {
  return Array.from({ length: BATCHES }, (_, i) => {
    const batch = Array.from({ length: BATCH_SIZE }, (_, j): NewMessage => {
      const isShared = j < SHARED_PER_BATCH;
      const room = fixture.rooms[isShared ? j % 3 : (i + j) % 3]!;
      const sender = isShared ? fixture.shared : fixture.own[side];
      const clientMsgId = isShared ? `shared-${i}-${j}` : `${side}-${i}-${j}`;
      return { roomId: room.id, room: room.key, senderId: sender.id, sender: sender.username, text: clientMsgId, createdAt: i, clientMsgId };
    });
    return side === 'b' ? batch.reverse() : batch;
  });
}

const identity = (m: { roomId: number; senderId: number; clientMsgId: string }) => `${m.roomId}:${m.senderId}:${m.clientMsgId}`;

async function assertConsistent(store: SqlStore, fixture: Fixture, batchResults: AppendResult[][]): Promise<void> {
  // Stored: per room exactly 1..N, each identity once, last_seq = N.
  let stored = 0;
  for (const room of fixture.rooms) {
    const { messages } = await store.history(room.id, { after: 0, limit: 100_000 });
    assert.deepEqual(
      messages.map((m) => m.seq),
      Array.from({ length: messages.length }, (_, k) => k + 1),
      `room ${room.key}: seqs are not exactly 1..N`,
    );
    assert.equal(new Set(messages.map(identity)).size, messages.length, `room ${room.key}: a clientMsgId stored twice`);
    assert.equal((await store.findRoom(room.key))?.lastSeq, messages.length);
    stored += messages.length;
  }
  const expectedUnique = BATCHES * SHARED_PER_BATCH + 2 * BATCHES * (BATCH_SIZE - SHARED_PER_BATCH);
  assert.equal(stored, expectedUnique);

  // Acknowledged: one seq per identity, created exactly once.
  const seqs = new Map<string, Set<number>>();
  const creations = new Map<string, number>();
  for (const results of batchResults) {
    for (const { message, created } of results) {
      const key = identity(message);
      seqs.set(key, (seqs.get(key) ?? new Set()).add(message.seq));
      if (created) creations.set(key, (creations.get(key) ?? 0) + 1);
    }
    // Inside one batch a room's new messages take consecutive seqs in batch order.
    for (const room of fixture.rooms) {
      const fresh = results.filter((r) => r.created && r.message.roomId === room.id).map((r) => r.message.seq);
      fresh.forEach((seq, k) => assert.equal(seq, fresh[0]! + k, 'a batch’s seqs in one room are not consecutive'));
    }
  }
  assert.equal(seqs.size, expectedUnique);
  for (const [key, seen] of seqs) assert.equal(seen.size, 1, `${key} acknowledged with different seqs`);
  for (const key of seqs.keys()) assert.equal(creations.get(key), 1, `${key} created ${creations.get(key) ?? 0} times`);
}

/** A server database the two stores share: a fresh one per suite. */
type ServerDatabase = { url: string; drop(): Promise<void> } | undefined;

const servers: { name: string; create: () => Promise<ServerDatabase> }[] = [
  { name: 'PostgreSQL', create: createTestDatabase },
  { name: 'MySQL', create: createTestMysqlDatabase },
];

for (const server of servers) {
  // Probe once at load time: `describe` must know whether to skip before any test runs.
  const probe = await server.create();
  await probe?.drop();
  describe(`concurrent appends on ${server.name} (two stores, separate pools)`, { skip: probe === undefined ? `${server.name} unreachable` : false }, () => {
    let database: ServerDatabase;
    before(async () => {
      database = await server.create();
    });
    after(async () => {
      await database?.drop();
    });

    it('serialises concurrent migrations: one store applies, the other finds nothing to do', async () => {
      const stores = [await openStore(database!.url, { migrate: false }), await openStore(database!.url, { migrate: false })];
      try {
        const reports = await Promise.all(stores.map((store) => store.migrate()));
        assert.deepEqual(reports.map((report) => report.applied).sort(), [[], ['0001-initial', '0002-token-generation', '0003-public-room-directory', '0004-dm-participants', '0005-username-prefix-index', '0006-room-activity', '0007-user-presence']]);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    it('keeps seqs gapless and unique and clientMsgIds single', async () => {
      const [storeA, storeB] = [await openStore(database!.url, { poolSize: 5 }), await openStore(database!.url, { poolSize: 5 })];
      try {
        const fixture = await createFixture(storeA);
        // Every batch of both writers in flight at once.
        const batchResults = await Promise.all([
          ...batchesFor('a', fixture).map((batch) => storeA.appendMessages(batch)),
          ...batchesFor('b', fixture).map((batch) => storeB.appendMessages(batch)),
        ]);
        await assertConsistent(storeA, fixture, batchResults);
      } finally {
        await Promise.all([storeA.close(), storeB.close()]);
      }
    });
  });
}

// One better-sqlite3 connection blocks its whole process while it waits for the write lock,
// so two writers must be two processes, as they would be in production.
const WRITER = `
  const { openStore } = await import(process.env.OPEN_STORE_URL);
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const { url, batches } = JSON.parse(input);
  const store = await openStore(url, { migrate: false });
  const results = [];
  for (const batch of batches) results.push(await store.appendMessages(batch));
  await store.close();
  process.stdout.write(JSON.stringify(results));
`;

function runWriter(url: string, batches: NewMessage[][]): Promise<AppendResult[][]> {
  const openStoreUrl = new URL('./open-store.ts', import.meta.url).href;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, OPEN_STORE_URL: openStoreUrl },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(JSON.stringify({ url, batches }));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as AppendResult[][]);
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
}

describe('concurrent appends on SQLite (two processes, one WAL file)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hubbub-concurrency-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps seqs gapless and unique and clientMsgIds single', async () => {
    const url = `sqlite:${join(dir, 'shared.db')}`;
    const store = await openStore(url);
    try {
      const fixture = await createFixture(store);
      const [resultsA, resultsB] = await Promise.all([runWriter(url, batchesFor('a', fixture)), runWriter(url, batchesFor('b', fixture))]);
      await assertConsistent(store, fixture, [...resultsA, ...resultsB]);
    } finally {
      await store.close();
    }
  });
});
