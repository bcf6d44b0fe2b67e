// Group commit: a message the database refuses for its content fails alone; its neighbours in
// the batch are stored and acknowledged. On PostgreSQL a U+0000 in text is such a message (the
// WebSocket and HTTP edges refuse it first; this is the store's defence in depth).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';
import { openStore } from '../store/open-store.js';
import type { SqlStore } from '../store/sql-store.js';
import { GroupCommit } from './group-commit.js';
import { ContentRefusedError, type AppendResult, type MessageStore, type NewMessage, type StoredMessage } from './store.js';

function message(roomId: number, senderId: number, text: string, clientMsgId: string): NewMessage {
  return { roomId, room: 'poison', senderId, sender: 'sender', text, createdAt: Date.now(), clientMsgId };
}

describe('group commit isolates a refused message', async () => {
  const database: TestDatabase | undefined = await createTestDatabase();
  let store: SqlStore;
  before(async () => {
    if (database !== undefined) store = await openStore(database.url);
  });
  after(async () => {
    await store?.close();
    await database?.drop();
  });

  it('on PostgreSQL, 40 messages holding U+0000 fail alone and the 173 around them are stored in order', { skip: database === undefined ? 'PostgreSQL unreachable' : false }, async () => {
    const sender = (await store.createUser('poisoner', null, 1))!;
    const room = await store.findOrCreateRoom('poison', 'public', 1);
    const published: StoredMessage[] = [];
    const commit = new GroupCommit(store, { maxBatch: 2000, concurrency: 1, onStored: (stored) => published.push(...stored) });
    // Submitted in one turn: one batch, poison spread through it.
    const batch = Array.from({ length: 213 }, (_, i) => (i % 5 === 2 && i < 200 ? message(room.id, sender.id, `bad\u0000${i}`, `m${i}`) : message(room.id, sender.id, `good ${i}`, `m${i}`)));
    const outcomes = await Promise.allSettled(batch.map((m) => commit.append(m)));
    const refused = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(refused.length, 40);
    for (const o of refused) assert.ok((o as PromiseRejectedResult).reason instanceof ContentRefusedError);
    const good = batch.filter((m) => !m.text.includes('\u0000'));
    assert.equal(good.length, 173);
    const page = await store.history(room.id, { after: 0, limit: 500 });
    assert.deepEqual(page.messages.map((m) => m.text), good.map((m) => m.text), 'every innocent message stored once, in submission order');
    assert.deepEqual(page.messages.map((m) => m.seq), good.map((_, i) => i + 1), 'gapless seqs');
    assert.deepEqual(published.map((m) => m.seq), good.map((_, i) => i + 1), 'published in seq order');
  });
});

describe('group commit splitting', () => {
  /** A store that refuses any batch holding "bad" text, or fails every batch while `down`. */
  class RefusingStore implements MessageStore {
    attempts = 0;
    down = false;
    #seq = 0;
    async appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]> {
      this.attempts++;
      if (this.down) throw new Error('connection refused');
      if (batch.some((m) => m.text === 'bad')) throw new ContentRefusedError('refused');
      return batch.map((m) => ({ message: { ...m, seq: ++this.#seq }, created: true }));
    }
    history(): never {
      throw new Error('unused');
    }
  }

  it('fails a whole batch at once when the failure is not about content (no split)', async () => {
    const store = new RefusingStore();
    store.down = true;
    const commit = new GroupCommit(store, { maxBatch: 100, concurrency: 1, onStored: () => {} });
    const outcomes = await Promise.allSettled(Array.from({ length: 64 }, (_, i) => commit.append(message(1, 1, 'x', `d${i}`))));
    assert.ok(outcomes.every((o) => o.status === 'rejected'));
    assert.equal(store.attempts, 1);
  });

  it('finds one bad message in 64 with a handful of transactions', async () => {
    const store = new RefusingStore();
    const commit = new GroupCommit(store, { maxBatch: 100, concurrency: 1, onStored: () => {} });
    const outcomes = await Promise.allSettled(Array.from({ length: 64 }, (_, i) => commit.append(message(1, 1, i === 37 ? 'bad' : 'ok', `s${i}`))));
    assert.deepEqual(
      outcomes.map((o, i) => (o.status === 'rejected' ? i : -1)).filter((i) => i >= 0),
      [37],
    );
    assert.ok(store.attempts <= 2 * Math.log2(64) + 1, `${store.attempts} attempts`);
  });
});
