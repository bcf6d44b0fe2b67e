// The real server on PostgreSQL: accounts, rooms, messages, idempotent retries, history, resume
// and a restart, over HTTP and WebSockets. Skipped loudly without PostgreSQL (failing under CI).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessageEvent } from '../src/protocol/events.js';
import { HubbubHttp } from '../src/client/http-client.js';
import { createTestDatabase } from './support/postgres.js';
import { eventually, startTestServer, type TestServer } from './support/server.js';

const db = await createTestDatabase();

describe('server on PostgreSQL', { skip: db === undefined ? 'PostgreSQL unreachable' : false }, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ DATABASE_URL: db!.url, MESSAGE_RATE_LIMIT: '0' });
  });
  after(async () => {
    await t.close();
    await db!.drop();
  });

  it('registers, logs in, and rejects a reused refresh token', async () => {
    const { http, refreshToken } = await t.user('pg_alice');
    assert.equal((await http.me()).username, 'pg_alice');
    const rotated = await http.refresh(refreshToken);
    await assert.rejects(http.refresh(refreshToken), { code: 'token_reused' });
    await assert.rejects(http.refresh(rotated.refreshToken), { code: 'token_reused' });
    await assert.rejects(new HubbubHttp(t.url).login('PG_ALICE', 'wrong password'), { code: 'invalid_credentials' });
    await new HubbubHttp(t.url).login('PG_ALICE', 'correct horse battery');
  });

  it('stores messages with gapless seqs, dedups retries, pages history, resumes, and survives a restart', async () => {
    const writer = await t.connect(await t.tokenFor('pg_writer'));
    const readerToken = await t.tokenFor('pg_reader');
    const reader = await t.connect(readerToken);
    await writer.join('pg-room');
    await reader.join('pg-room');
    const acks = await Promise.all(Array.from({ length: 150 }, (_, i) => writer.send('pg-room', `m${i}`, `pg-${i}`)));
    assert.deepEqual(acks.map((a) => a.seq).sort((a, b) => a! - b!), Array.from({ length: 150 }, (_, i) => i + 1));
    const retry = await writer.send('pg-room', 'm7', 'pg-7');
    assert.equal(retry.seq, acks[7]!.seq);

    reader.close();
    await Promise.all(Array.from({ length: 50 }, (_, i) => writer.send('pg-room', `later${i}`, `pg-later-${i}`)));
    const got: MessageEvent[] = [];
    const resumed = await t.connect(readerToken, { 'pg-room': 150 }, { message: (m) => got.push(m) });
    assert.deepEqual(resumed.welcome.resumed['pg-room'], { recovered: true, missed: 50 });
    await eventually(() => got.length === 50, 'the replay');
    assert.deepEqual(got.map((m) => m.seq), Array.from({ length: 50 }, (_, i) => i + 151));

    const page = await resumed.history('pg-room', { before: 101, limit: 100 });
    assert.deepEqual(page.messages.map((m) => m.seq), Array.from({ length: 100 }, (_, i) => i + 1));
    assert.equal(page.hasMore, false);

    await t.close({ keepData: true });
    t = await startTestServer({ DATABASE_URL: db!.url, MESSAGE_RATE_LIMIT: '0' });
    const http = new HubbubHttp(t.url, readerToken);
    const rooms = await http.rooms();
    assert.equal(rooms.find((r) => r.room === 'pg-room')?.lastSeq, 200);
  });
});
